// Binding for im2col / col2im (one image): unwrap, check, call.
#include "../kernels/im2col.h"

#include "args.h"
#include "conv_args.h"
#include "families.h"

namespace neurite {
namespace {

// Arguments 2.. : C, H, W, KH, KW, strideH, strideW, padTop, padBottom, padLeft, padRight,
// dilationH, dilationW.
ConvGeometry read_image_geometry(const Args& args) {
  const int64_t C = args.dim(2, "C");
  const int64_t H = args.dim(3, "H");
  const int64_t W = args.dim(4, "W");
  return make_geometry(args, C, H, W, read_window(args, 5, true));
}

int64_t col_size(const ConvGeometry& g) {
  return mul_sat(mul_sat(mul_sat(g.C, g.KH), g.KW), mul_sat(g.OH, g.OW));
}

// im2col(x, col, C, H, W, KH, KW, strideH, strideW, padTop, padBottom, padLeft, padRight,
//        dilationH, dilationW)
Napi::Value Im2col(const Napi::CallbackInfo& info) {
  Args args(info, "im2col", 15);
  Napi::Float32Array x = args.f32(0, "x");
  Napi::Float32Array col = args.f32(1, "col");
  const ConvGeometry g = read_image_geometry(args);
  args.need(x, "x", mul_sat(mul_sat(g.C, g.H), g.W), "C*H*W");
  args.need(col, "col", col_size(g), "C*KH*KW*OH*OW");
  im2col(g, x.Data(), col.Data(), g.OH * g.OW);
  return info.Env().Undefined();
}

// col2im(col, dx, C, H, W, ...same as im2col)
Napi::Value Col2im(const Napi::CallbackInfo& info) {
  Args args(info, "col2im", 15);
  Napi::Float32Array col = args.f32(0, "col");
  Napi::Float32Array dx = args.f32(1, "dx");
  const ConvGeometry g = read_image_geometry(args);
  args.need(col, "col", col_size(g), "C*KH*KW*OH*OW");
  args.need(dx, "dx", mul_sat(mul_sat(g.C, g.H), g.W), "C*H*W");
  col2im(g, col.Data(), g.OH * g.OW, dx.Data());
  return info.Env().Undefined();
}

}  // namespace

void register_im2col(Napi::Env env, Napi::Object exports) {
  exports.Set("im2col", Napi::Function::New(env, Im2col, "im2col"));
  exports.Set("col2im", Napi::Function::New(env, Col2im, "col2im"));
}

}  // namespace neurite
