// A persistent pool of worker threads for kernels that split their outer loops.
//
// One pool per addon instance (so each worker_thread that loads the addon owns its own).
// `run(n, fn)` calls fn(0..n-1) across the pool and the calling thread, and returns when
// all calls are done. The calling thread always takes task 0, so run(1, fn) never touches
// a worker. It is not re-entrant: a task must not call run() on the same pool.
//
// Idle workers spin for a short while (kSpinMicros) before they sleep, and so does the caller
// waiting for the last task: a training step runs dozens of kernels back to back, and waking a
// sleeping thread through the kernel costs as much as many of them take.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace neurite {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Number of threads that share work, counting the caller.
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Stops the workers and starts `threads - 1` new ones.
  void resize(int threads);

  // Runs fn(task) for task in [0, tasks); tasks beyond size() are handed out dynamically.
  void run(int tasks, const std::function<void(int)>& fn);

  // Splits [0, n) into at most size() contiguous chunks of at least `grain` items.
  void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

  static int hardware_threads();

 private:
  void start(int threads);
  void stop();
  void worker_loop();
  void drain(std::unique_lock<std::mutex>& lock);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(int)>* job_ = nullptr;
  // Written under mutex_; read without it while spinning.
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> quit_{false};
  int tasks_ = 0;
  int next_task_ = 0;
};

}  // namespace neurite
