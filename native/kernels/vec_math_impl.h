// The float32 math of vec_math.h written once against a small vector vocabulary, and included
// once per lane type: by vec_math.h for plain `float` (the scalar API), and by vec_math.cpp for
// SSE2, AVX2 and AVX-512 vectors (each inside its own namespace and target region). No include
// guard on purpose.
//
// The including namespace provides:
//   V (lanes of float), M (lanes of bool), and
//   set1, add, sub, mul, div, min_, max_ (x86 semantics: min_(a, b) = a < b ? a : b and
//   max_(a, b) = a > b ? a : b, so a NaN in b passes through), and_, or_,
//   lt, eq, mask_and, select (m ? a : b), and on the bits: add_bits / sub_bits (integer add
//   and subtract of two bit patterns), shl23 (bits << 23), sar1 (arithmetic >> 1),
//   exponent_bits (bits >> 23, logical), mantissa_to_half (the mantissa with the exponent of
//   0.5), to_float_int (the integer in the bits, converted to float), bits_const (a V holding
//   the given bit pattern).
//
// Every lane goes through the same IEEE operations in the same order, with no fused
// multiply-add (vec_math.cpp turns contraction off), so every lane type gives the same bits.

// The reduced argument r = x - n ln2 (Cody-Waite), and t = x / ln2 + 1.5 * 2^23, whose bits
// hold n. Shared with tanh_v.
NEURITE_VEC_FN V reduce_ln2(V x, V& t) {
  const V shifter = set1(12582912.0f);
  t = add(mul(x, set1(1.44269504088896341f)), shifter);
  const V n = sub(t, shifter);
  return sub(sub(x, mul(n, set1(0.693359375f))), mul(n, set1(-2.12194440e-4f)));
}

// e^r - 1 for a reduced argument: the degree-7 polynomial without its final "+ 1".
NEURITE_VEC_FN V expm1_reduced(V r) {
  V p = set1(1.9875691500e-4f);
  p = add(mul(p, r), set1(1.3981999507e-3f));
  p = add(mul(p, r), set1(8.3334519073e-3f));
  p = add(mul(p, r), set1(4.1665795894e-2f));
  p = add(mul(p, r), set1(1.6666665459e-1f));
  p = add(mul(p, r), set1(5.0000001201e-1f));
  return add(mul(mul(p, r), r), r);
}

// e^r for the reduced argument of an already clamped x, and t: the part exp_v and
// exp_nonpositive_v share.
NEURITE_VEC_FN V exp_reduced(V xc, V& t) {
  return add(expm1_reduced(reduce_ln2(xc, t)), set1(1.0f));
}

// e^x. Cephes expf: x = n ln2 + r with |r| <= ln2 / 2 (Cody-Waite split of ln2), e^r by a
// degree-7 polynomial, then 2^n applied in two halves so subnormal results round right.
// x is clamped to [-104, 89] first: below -104 the result rounds to 0 anyway, above 89 the
// scaling overflows to +Inf by itself, and a NaN passes both clamps (see min_/max_) and the
// arithmetic. The integer n is read from the bits of the rounding sum t = x / ln2 + 1.5 * 2^23.
NEURITE_VEC_FN V exp_v(V x) {
  V t;
  const V er = exp_reduced(min_(set1(89.0f), max_(set1(-104.0f), x)), t);
  // n = bits(t) - bits(shifter) as integers; 2^floor(n/2) and 2^(n - floor(n/2)).
  const V k = sub_bits(t, set1(12582912.0f));
  const V k1 = sar1(k);
  const V k2 = sub_bits(k, k1);
  const V s1 = shl23(add_bits(k1, bits_const(127u)));
  const V s2 = shl23(add_bits(k2, bits_const(127u)));
  return mul(mul(er, s1), s2);
}

// e^x for x <= 0 (or NaN): softmax's e^(x - max), and e^-|x| in sigmoid and softplus. The
// same bits as exp_v with a cheaper 2^n: n lies in [-150, 0] here (x is clamped to
// [-104, 0]), so 2^(n + 25) is a normal power of two put straight into the exponent bits,
// er * 2^(n + 25) is exact, and the product with 2^-25 rounds once, exactly as exp_v's
// two-step scaling rounds er * 2^n once.
NEURITE_VEC_FN V exp_nonpositive_v(V x) {
  V t;
  const V er = exp_reduced(max_(set1(-104.0f), min_(set1(0.0f), x)), t);
  const V s = add_bits(shl23(t), bits_const((127u + 25u) << 23));  // 2^(n + 25)
  return mul(mul(er, s), set1(2.98023223876953125e-8f));           // * 2^-25
}

// 1 / (1 + e^-x), from e = e^-|x| so nothing overflows: 1 / (1 + e) for x >= 0, e / (1 + e)
// below.
NEURITE_VEC_FN V sigmoid_v(V x) {
  const V sign = bits_const(0x80000000u);
  const V e = exp_nonpositive_v(or_(x, sign));  // e^-|x|
  const V inv = div(set1(1.0f), add(set1(1.0f), e));
  return select(lt(x, set1(0.0f)), mul(e, inv), inv);
}

// tanh(x) = sign(x) * m / (m + 2) with m = e^(2|x|) - 1, the exp above stopped before its
// final "+ 1" so that m keeps its relative precision for small |x|: with 2|x| = n ln2 + r,
// m = 2^n (e^r - 1) + (2^n - 1). |x| is clamped to 10 (tanh rounds to 1 from 9.01 on), so
// 2^n is a plain normal power of two. NaN passes through; -0 stays -0.
NEURITE_VEC_FN V tanh_v(V x) {
  const V sign = bits_const(0x80000000u);
  const V a = min_(set1(10.0f), and_(x, bits_const(0x7FFFFFFFu)));
  V t;
  const V em1 = expm1_reduced(reduce_ln2(add(a, a), t));  // 2|x| = n ln2 + r: e^r - 1
  // bits(t) << 23 is n << 23 (the shifter's own bits shift out); add the exponent bias.
  const V two_n = add_bits(shl23(t), bits_const(127u << 23));
  const V m = add(mul(two_n, em1), sub(two_n, set1(1.0f)));
  const V y = div(m, add(m, set1(2.0f)));
  return or_(y, and_(x, sign));
}

// log(x). Cephes logf: x = f 2^e with f in [sqrt(1/2), sqrt(2)), log(f) = g - g^2 / 2 +
// g^3 P(g) with g = f - 1, plus e ln2 in two parts. Subnormal inputs are scaled by 2^23
// first. log(+-0) = -Inf, log(+Inf) = +Inf, negative or NaN inputs give NaN.
NEURITE_VEC_FN V log_v(V x) {
  const M tiny = lt(x, set1(1.17549435e-38f));
  const V xs = select(tiny, mul(x, set1(8388608.0f)), x);
  V e = sub(to_float_int(exponent_bits(xs)), select(tiny, set1(149.0f), set1(126.0f)));
  V f = mantissa_to_half(xs);  // in [0.5, 1)
  const M low = lt(f, set1(0.707106781186547524f));
  e = sub(e, select(low, set1(1.0f), set1(0.0f)));
  const V g = sub(select(low, add(f, f), f), set1(1.0f));
  const V z = mul(g, g);
  V p = set1(7.0376836292e-2f);
  p = add(mul(p, g), set1(-1.1514610310e-1f));
  p = add(mul(p, g), set1(1.1676998740e-1f));
  p = add(mul(p, g), set1(-1.2420140846e-1f));
  p = add(mul(p, g), set1(1.4249322787e-1f));
  p = add(mul(p, g), set1(-1.6668057665e-1f));
  p = add(mul(p, g), set1(2.0000714765e-1f));
  p = add(mul(p, g), set1(-2.4999993993e-1f));
  p = add(mul(p, g), set1(3.3333331174e-1f));
  V y = mul(mul(p, g), z);
  y = add(y, mul(e, set1(-2.12194440e-4f)));
  y = sub(y, mul(z, set1(0.5f)));
  V out = add(g, y);
  out = add(out, mul(e, set1(0.693359375f)));
  const V inf = bits_const(0x7F800000u);
  const V special = select(eq(x, set1(0.0f)), bits_const(0xFF800000u),
                           select(eq(x, inf), inf, bits_const(0x7FC00000u)));
  return select(mask_and(lt(set1(0.0f), x), lt(x, inf)), out, special);
}

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|), with log1p(u) = 2 atanh(t / 2) for
// t = u / (1 + u / 2), in [0, 2/3] since u is in [0, 1]: t + t w R(w) with w = t^2 and R the
// atanh series in t, sum over k >= 1 of w^(k-1) / (4^k (2k + 1)), to k = 7 (the next term is
// below 2^-26 of t). No range reduction and no special cases: half the operations of log_v
// with its rounding correction. A subnormal u gives t = u exactly.
NEURITE_VEC_FN V softplus_v(V x) {
  const V u = exp_nonpositive_v(or_(x, bits_const(0x80000000u)));  // e^-|x|, in [0, 1]
  const V t = div(u, add(set1(1.0f), mul(u, set1(0.5f))));
  const V w = mul(t, t);
  V r = set1(4.06901042e-6f);
  r = add(mul(r, w), set1(1.87800481e-5f));
  r = add(mul(r, w), set1(8.87784091e-5f));
  r = add(mul(r, w), set1(4.34027778e-4f));
  r = add(mul(r, w), set1(2.23214286e-3f));
  r = add(mul(r, w), set1(1.25e-2f));
  r = add(mul(r, w), set1(8.33333333e-2f));
  const V l1p = add(t, mul(mul(t, w), r));
  return add(max_(set1(0.0f), x), l1p);
}
