#include "core/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace mgate {

namespace {

// The thread that runs the command: the one keep_freed_memory_on_heap was called on.
std::atomic<std::thread::id> command_thread{};

}  // namespace

void keep_freed_memory_on_heap() {
  command_thread.store(std::this_thread::get_id());
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // the largest mallopt(3) documents
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

namespace {

constexpr std::uintptr_t kHugePage = 2 << 20;

// What the heap hands out next starts at `top` (where its top chunk's memory begins): in the
// 2 MiB page the heap had begun to use, which takes no huge page (some of it is touched already).
// Whatever of that page is still free is taken once and kept (never touched, it costs no
// memory), so that the allocations that follow come from the advised pages: the first partial
// page was 430 of the main thread's page faults on a history of 700 migrations, and 510 of a
// parsing thread's. Kept only when it came from the top.
void take_rest_of_page(std::uintptr_t top) {
  const std::uintptr_t boundary = (top + kHugePage - 1) / kHugePage * kHugePage;
  if (boundary - top < 64) return;
  // glibc's chunk for it begins one header (16 bytes) before the block and is rounded up to 16
  // bytes past it: asked for exactly this much, the next chunk's header is the boundary.
  void* rest = std::malloc(boundary - top);
  if (reinterpret_cast<std::uintptr_t>(rest) != top) {
    std::free(rest);
    return;
  }
  static std::mutex kept_mutex;
  static std::vector<void*> kept;  // reachable, for leak checkers
  std::lock_guard lock(kept_mutex);
  kept.push_back(rest);
}

}  // namespace

void advise_huge_pages_for_heap(std::size_t bytes) {
  // Blocks just below the mmap threshold of 32 MiB (a block at or above it would be mapped on its
  // own and unmapped when freed, taking the advice with it) fit one heap of a thread's arena
  // (64 MiB). Allocated one after another, they come from the heap's top, each after the last.
  constexpr std::size_t kBlock = (32 << 20) - (64 << 10);
  std::array<void*, 8> blocks{};
  // As many blocks as come nearest `bytes`: one more than a thread's arena holds would open a
  // second heap only to unmap it when freed.
  std::size_t count = std::clamp<std::size_t>((bytes + kBlock / 2) / kBlock, 1, blocks.size());
  auto advise = [](std::uintptr_t begin, std::uintptr_t end) {
    std::uintptr_t first = (begin + kHugePage - 1) / kHugePage * kHugePage;
    std::uintptr_t last = end / kHugePage * kHugePage;
    // The advice is a hint: a kernel without transparent huge pages refuses it, and that is all.
    if (first < last) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
  };
  std::uintptr_t begin = 0;
  std::uintptr_t end = 0;  // of the blocks so far, while each follows the one before
  for (std::size_t i = 0; i < count; ++i) {
    blocks[i] = std::malloc(kBlock);
    if (!blocks[i]) break;
    auto at = reinterpret_cast<std::uintptr_t>(blocks[i]);
    // Only the allocator's few bytes of bookkeeping lie between two blocks one after the other:
    // then the whole run is advised at once, and no 2 MiB page across a boundary is left out.
    if (i > 0 && at >= end && at - end <= 64) {
      end = at + kBlock;
      continue;
    }
    if (i > 0) advise(begin, end);
    begin = at;
    end = at + kBlock;
  }
  if (end > begin) advise(begin, end);
  for (void* block : blocks) std::free(block);
  if (blocks[0]) take_rest_of_page(reinterpret_cast<std::uintptr_t>(blocks[0]));
}

bool advise_huge_pages_for_main_heap(std::size_t bytes) {
  const auto brk_before = reinterpret_cast<std::uintptr_t>(sbrk(0));
  const std::size_t top_size = mallinfo2().keepcost;  // the main arena's top chunk
  if (top_size > brk_before) return false;
  const std::uintptr_t top = brk_before - top_size;
  mallopt(M_TOP_PAD, static_cast<int>(bytes));
  void* grown = std::malloc(top_size + 64);  // more than the top holds: the heap grows
  mallopt(M_TOP_PAD, 128 << 10);             // glibc's default
  const auto brk_after = reinterpret_cast<std::uintptr_t>(sbrk(0));
  const bool from_top = reinterpret_cast<std::uintptr_t>(grown) == top + 16;
  std::free(grown);
  // Its header went just past the old break: advised is what lies wholly beyond.
  const std::uintptr_t first = (brk_before + 128 + kHugePage - 1) / kHugePage * kHugePage;
  if (!from_top || brk_after < first + bytes / 2) return false;
  // The advice is a hint: a kernel without transparent huge pages refuses it, and that is all.
  const std::uintptr_t last = brk_after / kHugePage * kHugePage;
  madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
  // A top within the page before the advised ones is taken up to them; a larger one holds memory
  // paged already, which is used first.
  if (first - top < kHugePage) take_rest_of_page(top + 16);
  return true;
}

void expect_a_large_run() {
  // Another thread (one that reads files beside it) would advise its own heap, not the one meant.
  const std::thread::id command = command_thread.load();
  if (command != std::thread::id{} && command != std::this_thread::get_id()) return;
  static std::atomic<bool> advised{false};
  if (!advised.exchange(true) && !advise_huge_pages_for_main_heap(128 << 20))
    advise_huge_pages_for_heap(128 << 20);
}

}  // namespace mgate
