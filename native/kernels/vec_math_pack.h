// Included by vec_math.cpp inside each ISA namespace, after that namespace's vocabulary (see
// vec_math_impl.h) and `namespace self` naming it: defines namespace `pack`, where V is four of
// the ISA's vectors and every operation is applied to the four in turn, and instantiates
// vec_math_impl.h for it. After inlining, the four dependency chains of a function come out
// interleaved instruction by instruction, which the out-of-order core needs: one vector's exp
// is a single chain of about thirty dependent operations, longer than the scheduler can hide.
// The operations per lane are those of the single-vector instance, so the bits are the same.
// No include guard on purpose.
namespace pack {

constexpr int kPack = 4;
struct V {
  self::V v[kPack];
};
struct M {
  self::M m[kPack];
};

NEURITE_VEC_FN V load(const float* p) {
  V r;
  for (int k = 0; k < kPack; ++k) r.v[k] = self::load(p + k * self::kWidth);
  return r;
}
NEURITE_VEC_FN void store(float* p, const V& a) {
  for (int k = 0; k < kPack; ++k) self::store(p + k * self::kWidth, a.v[k]);
}
NEURITE_VEC_FN V set1(float s) {
  V r;
  for (int k = 0; k < kPack; ++k) r.v[k] = self::set1(s);
  return r;
}
NEURITE_VEC_FN V bits_const(uint32_t b) {
  V r;
  for (int k = 0; k < kPack; ++k) r.v[k] = self::bits_const(b);
  return r;
}

#define NEURITE_PACK_BINARY(name)                                            \
  NEURITE_VEC_FN V name(const V& a, const V& b) {                            \
    V r;                                                                     \
    for (int k = 0; k < kPack; ++k) r.v[k] = self::name(a.v[k], b.v[k]);     \
    return r;                                                                \
  }
#define NEURITE_PACK_UNARY(name)                                             \
  NEURITE_VEC_FN V name(const V& a) {                                        \
    V r;                                                                     \
    for (int k = 0; k < kPack; ++k) r.v[k] = self::name(a.v[k]);             \
    return r;                                                                \
  }
#define NEURITE_PACK_COMPARE(name)                                           \
  NEURITE_VEC_FN M name(const V& a, const V& b) {                            \
    M r;                                                                     \
    for (int k = 0; k < kPack; ++k) r.m[k] = self::name(a.v[k], b.v[k]);     \
    return r;                                                                \
  }
NEURITE_PACK_BINARY(add)
NEURITE_PACK_BINARY(sub)
NEURITE_PACK_BINARY(mul)
NEURITE_PACK_BINARY(div)
NEURITE_PACK_BINARY(min_)
NEURITE_PACK_BINARY(max_)
NEURITE_PACK_BINARY(and_)
NEURITE_PACK_BINARY(or_)
NEURITE_PACK_BINARY(add_bits)
NEURITE_PACK_BINARY(sub_bits)
NEURITE_PACK_UNARY(sqrt_)
NEURITE_PACK_UNARY(shl23)
NEURITE_PACK_UNARY(sar1)
NEURITE_PACK_UNARY(exponent_bits)
NEURITE_PACK_UNARY(mantissa_to_half)
NEURITE_PACK_UNARY(to_float_int)
NEURITE_PACK_COMPARE(lt)
NEURITE_PACK_COMPARE(eq)
#undef NEURITE_PACK_BINARY
#undef NEURITE_PACK_UNARY
#undef NEURITE_PACK_COMPARE

NEURITE_VEC_FN M mask_and(const M& a, const M& b) {
  M r;
  for (int k = 0; k < kPack; ++k) r.m[k] = self::mask_and(a.m[k], b.m[k]);
  return r;
}
NEURITE_VEC_FN V select(const M& m, const V& a, const V& b) {
  V r;
  for (int k = 0; k < kPack; ++k) r.v[k] = self::select(m.m[k], a.v[k], b.v[k]);
  return r;
}

#include "vec_math_impl.h"

template <int F>
NEURITE_VEC_FN V apply(const V& x) {
  if constexpr (F == static_cast<int>(VecFn::Exp)) return exp_v(x);
  else if constexpr (F == static_cast<int>(VecFn::Sigmoid)) return sigmoid_v(x);
  else if constexpr (F == static_cast<int>(VecFn::Tanh)) return tanh_v(x);
  else if constexpr (F == static_cast<int>(VecFn::Log)) return log_v(x);
  else if constexpr (F == static_cast<int>(VecFn::Sqrt)) return sqrt_(x);
  else return softplus_v(x);
}

}  // namespace pack
