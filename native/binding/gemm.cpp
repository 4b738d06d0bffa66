// Binding for the GEMM family: unwrap, check, call.
#include "../kernels/gemm.h"

#include "args.h"
#include "families.h"

namespace neurite {
namespace {

// Elements a (rows, cols) row-major matrix with leading dimension ld spans.
int64_t span(int64_t rows, int64_t cols, int64_t ld) {
  if (rows == 0 || cols == 0) return 0;
  return mul_sat(rows - 1, ld) + cols;
}

struct GemmShape {
  bool trans_a, trans_b;
  int64_t M, N, K, lda, ldb, ldc;
  int64_t a_rows() const { return trans_a ? K : M; }
  int64_t a_cols() const { return trans_a ? M : K; }
  int64_t b_rows() const { return trans_b ? N : K; }
  int64_t b_cols() const { return trans_b ? K : N; }
};

// Reads transA, transB, M, N, K from arguments 0-4 and checks each leading dimension.
GemmShape read_shape(const Args& args, size_t lda_i, size_t ldb_i, size_t ldc_i) {
  GemmShape s;
  s.trans_a = args.boolean(0, "transA");
  s.trans_b = args.boolean(1, "transB");
  s.M = args.dim(2, "M");
  s.N = args.dim(3, "N");
  s.K = args.dim(4, "K");
  s.lda = args.dim(lda_i, "lda", 1);
  s.ldb = args.dim(ldb_i, "ldb", 1);
  s.ldc = args.dim(ldc_i, "ldc", 1);
  if (s.lda < s.a_cols()) {
    args.range_error("lda (" + std::to_string(s.lda) + ") must be >= " +
                     std::string(s.trans_a ? "M" : "K") + " (" + std::to_string(s.a_cols()) + ")");
  }
  if (s.ldb < s.b_cols()) {
    args.range_error("ldb (" + std::to_string(s.ldb) + ") must be >= " +
                     std::string(s.trans_b ? "K" : "N") + " (" + std::to_string(s.b_cols()) + ")");
  }
  if (s.ldc < s.N) {
    args.range_error("ldc (" + std::to_string(s.ldc) + ") must be >= N (" + std::to_string(s.N) +
                     ")");
  }
  return s;
}

std::string dims_text(const GemmShape& s) {
  return "M=" + std::to_string(s.M) + ", N=" + std::to_string(s.N) + ", K=" +
         std::to_string(s.K) + ", lda=" + std::to_string(s.lda) + ", ldb=" +
         std::to_string(s.ldb) + ", ldc=" + std::to_string(s.ldc) +
         (s.trans_a ? ", transA" : "") + (s.trans_b ? ", transB" : "");
}

// sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Args args(info, "sgemm", 13);
  const GemmShape s = read_shape(args, 7, 9, 12);
  const float alpha = args.number(5, "alpha");
  Napi::Float32Array A = args.f32(6, "A");
  Napi::Float32Array B = args.f32(8, "B");
  const float beta = args.number(10, "beta");
  Napi::Float32Array C = args.f32(11, "C");
  const std::string why = dims_text(s);
  if (s.K > 0) {
    args.need(A, "A", span(s.a_rows(), s.a_cols(), s.lda), why);
    args.need(B, "B", span(s.b_rows(), s.b_cols(), s.ldb), why);
  }
  args.need(C, "C", span(s.M, s.N, s.ldc), why);
  sgemm(args.pool(), s.trans_a, s.trans_b, s.M, s.N, s.K, alpha, A.Data(), s.lda, B.Data(),
        s.ldb, beta, C.Data(), s.ldc);
  return info.Env().Undefined();
}

// sgemmBatched(transA, transB, M, N, K, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc,
//              strideC, batch)
Napi::Value SgemmBatched(const Napi::CallbackInfo& info) {
  Args args(info, "sgemmBatched", 17);
  const GemmShape s = read_shape(args, 7, 10, 14);
  const float alpha = args.number(5, "alpha");
  Napi::Float32Array A = args.f32(6, "A");
  const int64_t stride_a = args.dim(8, "strideA");
  Napi::Float32Array B = args.f32(9, "B");
  const int64_t stride_b = args.dim(11, "strideB");
  const float beta = args.number(12, "beta");
  Napi::Float32Array C = args.f32(13, "C");
  const int64_t stride_c = args.dim(15, "strideC");
  const int64_t batch = args.dim(16, "batch");
  const int64_t c_span = span(s.M, s.N, s.ldc);
  if (batch > 1 && stride_c < c_span) {
    args.range_error("strideC (" + std::to_string(stride_c) + ") must be >= " +
                     std::to_string(c_span) + " so the outputs do not overlap");
  }
  if (batch > 0) {
    const std::string why = dims_text(s) + ", batch=" + std::to_string(batch);
    if (s.K > 0) {
      args.need(A, "A", mul_sat(batch - 1, stride_a) + span(s.a_rows(), s.a_cols(), s.lda), why);
      args.need(B, "B", mul_sat(batch - 1, stride_b) + span(s.b_rows(), s.b_cols(), s.ldb), why);
    }
    args.need(C, "C", mul_sat(batch - 1, stride_c) + c_span, why);
  }
  sgemm_batched(args.pool(), s.trans_a, s.trans_b, s.M, s.N, s.K, alpha, A.Data(), s.lda,
                stride_a, B.Data(), s.ldb, stride_b, beta, C.Data(), s.ldc, stride_c, batch);
  return info.Env().Undefined();
}

}  // namespace

void register_gemm(Napi::Env env, Napi::Object exports) {
  exports.Set("sgemm", Napi::Function::New(env, Sgemm, "sgemm"));
  exports.Set("sgemmBatched", Napi::Function::New(env, SgemmBatched, "sgemmBatched"));
}

}  // namespace neurite
