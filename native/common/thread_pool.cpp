// See thread_pool.h. Tasks are handed out under one mutex: kernels give the pool a few
// large chunks, never fine-grained work, so the lock is not on a hot path.
#include "thread_pool.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace neurite {

namespace {

// How long an idle thread polls before it blocks: about the time a training step spends in
// JavaScript between two kernels. Measured on the development machine at 2 threads, sleeping
// at once against spinning first (runs interleaved): a LeNet-5 training step 4.6-4.9 ms ->
// 4.2-4.4 ms, an LSTM step (hidden 128) 9.5 -> 8.1 ms, sgemm 256^3 137-155 -> 174 GFLOP/s.
constexpr int64_t kSpinMicros = 50;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(_M_X64)
  _mm_pause();
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
  __asm__ __volatile__("yield");
#else
  std::this_thread::yield();
#endif
}

// Polls done() for up to kSpinMicros; true if it became true.
template <typename Done>
bool spin_until(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinMicros);
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() >= deadline) return done();
  }
}

}  // namespace

ThreadPool::ThreadPool(int threads) { start(threads); }

ThreadPool::~ThreadPool() { stop(); }

int ThreadPool::hardware_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void ThreadPool::start(int threads) {
  quit_ = false;
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

void ThreadPool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void ThreadPool::resize(int threads) {
  if (threads < 1) threads = 1;
  if (threads == size()) return;
  stop();
  start(threads);
}

// Takes tasks until none are left. Called with the lock held; drops it while a task runs.
void ThreadPool::drain(std::unique_lock<std::mutex>& lock) {
  while (next_task_ < tasks_) {
    int task = next_task_++;
    const auto* job = job_;
    lock.unlock();
    (*job)(task);
    lock.lock();
    if (--pending_ == 0) done_.notify_all();
  }
}

void ThreadPool::worker_loop() {
  uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    const auto ready = [&] { return quit_.load() || generation_.load() != seen; };
    if (!ready()) {
      lock.unlock();
      spin_until(ready);
      lock.lock();
    }
    wake_.wait(lock, ready);
    if (quit_) return;
    seen = generation_;
    drain(lock);
  }
}

void ThreadPool::run(int tasks, const std::function<void(int)>& fn) {
  if (tasks <= 0) return;
  if (tasks == 1 || workers_.empty()) {
    for (int t = 0; t < tasks; ++t) fn(t);
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  job_ = &fn;
  tasks_ = tasks;
  next_task_ = 0;
  pending_ = tasks;
  ++generation_;
  wake_.notify_all();
  drain(lock);
  const auto finished = [&] { return pending_.load() == 0; };
  if (!finished()) {
    lock.unlock();
    spin_until(finished);
    lock.lock();
  }
  done_.wait(lock, finished);
  job_ = nullptr;
  tasks_ = 0;
}

void ThreadPool::parallel_for(int64_t n, int64_t grain,
                              const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  int64_t chunks = std::min<int64_t>(size(), (n + grain - 1) / grain);
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  run(static_cast<int>(chunks), [&](int c) {
    int64_t begin = n * c / chunks;
    int64_t end = n * (c + 1) / chunks;
    fn(begin, end);
  });
}

}  // namespace neurite
