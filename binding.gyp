{
  "target_defaults": {
    "cflags_cc!": ["-std=gnu++17", "-fno-exceptions", "-fno-rtti"],
    "cflags_cc": ["-std=c++20", "-fexceptions"],
    "cflags": ["-O3", "-fvisibility=hidden"],
    "xcode_settings": {
      "CLANG_CXX_LANGUAGE_STANDARD": "c++20",
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
      "OTHER_CFLAGS": ["-O3"]
    },
    "msvs_settings": {
      "VCCLCompilerTool": {
        "ExceptionHandling": 1,
        "AdditionalOptions": ["/std:c++20", "/O2"]
      }
    }
  },
  "targets": [
    {
      "target_name": "neurite",
      "sources": [
        "native/common/cpu.cpp",
        "native/common/thread_pool.cpp",
        "native/kernels/elementwise.cpp",
        "native/kernels/gemm.cpp",
        "native/kernels/gemm_dot.cpp",
        "native/kernels/gemm/ukernel_generic.cpp",
        "native/kernels/reduce.cpp",
        "native/kernels/softmax.cpp",
        "native/kernels/vec_math.cpp",
        "native/kernels/im2col.cpp",
        "native/kernels/conv.cpp",
        "native/kernels/locally_connected.cpp",
        "native/kernels/pool.cpp",
        "native/kernels/loss.cpp",
        "native/kernels/optim.cpp",
        "native/kernels/rnn.cpp",
        "native/kernels/lstm.cpp",
        "native/kernels/gru.cpp",
        "native/kernels/mgu.cpp",
        "native/kernels/batchnorm.cpp",
        "native/binding/addon.cpp",
        "native/binding/args.cpp",
        "native/binding/elementwise.cpp",
        "native/binding/gemm.cpp",
        "native/binding/reduce.cpp",
        "native/binding/runtime.cpp",
        "native/binding/softmax.cpp",
        "native/binding/im2col.cpp",
        "native/binding/conv.cpp",
        "native/binding/locally_connected.cpp",
        "native/binding/pool.cpp",
        "native/binding/loss.cpp",
        "native/binding/optim.cpp",
        "native/binding/rnn.cpp",
        "native/binding/lstm.cpp",
        "native/binding/gru.cpp",
        "native/binding/mgu.cpp",
        "native/binding/batchnorm.cpp"
      ],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "conditions": [
        ["target_arch=='x64'", {"dependencies": ["neurite_gemm_avx2", "neurite_gemm_avx512"]}],
        ["target_arch=='arm64'", {"dependencies": ["neurite_gemm_neon"]}]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "neurite_gemm_avx2",
          "type": "static_library",
          "sources": ["native/kernels/gemm/ukernel_avx2.cpp"],
          "cflags": ["-mavx2", "-mfma"],
          "conditions": [
            ["OS=='mac'", {"xcode_settings": {"OTHER_CFLAGS": ["-mavx2", "-mfma"]}}],
            ["OS=='win'", {"msvs_settings": {"VCCLCompilerTool": {"AdditionalOptions": ["/arch:AVX2"]}}}]
          ]
        },
        {
          "target_name": "neurite_gemm_avx512",
          "type": "static_library",
          "sources": ["native/kernels/gemm/ukernel_avx512.cpp"],
          "cflags": ["-mavx512f", "-mfma"],
          "conditions": [
            ["OS=='mac'", {"xcode_settings": {"OTHER_CFLAGS": ["-mavx512f", "-mfma"]}}],
            ["OS=='win'", {"msvs_settings": {"VCCLCompilerTool": {"AdditionalOptions": ["/arch:AVX512"]}}}]
          ]
        }
      ]
    }],
    ["target_arch=='arm64'", {
      "targets": [
        {
          "target_name": "neurite_gemm_neon",
          "type": "static_library",
          "sources": ["native/kernels/gemm/ukernel_neon.cpp"],
          "cflags": []
        }
      ]
    }]
  ]
}
