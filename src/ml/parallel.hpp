#pragma once
/// A minimal parallel loop: `threads` workers take indices 0..n-1 from a shared counter.
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace pb::ml {

/// Number of workers for `threads` (0: hardware concurrency).
inline unsigned worker_count(int threads) {
  unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  return threads > 0 ? static_cast<unsigned>(threads) : hw;
}

/// Calls body(i, worker) for i in [0, n); rethrows the first exception after all workers stop.
template <typename Body>
void parallel_for(std::size_t n, int threads, Body body) {
  auto workers = static_cast<unsigned>(
      std::min<std::size_t>(worker_count(threads), std::max<std::size_t>(n, 1)));
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto run = [&](unsigned w) {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      try {
        body(i, w);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next = n;
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < workers; ++w) pool.emplace_back(run, w);
  run(0);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace pb::ml
