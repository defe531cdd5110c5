#include "core/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>

namespace mgate {

void keep_freed_memory_on_heap() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // the largest mallopt(3) documents
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

void advise_huge_pages_for_heap(std::size_t bytes) {
  constexpr std::uintptr_t kHugePage = 2 << 20;
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
}

void expect_a_large_run() {
  static std::atomic<bool> advised{false};
  if (!advised.exchange(true)) advise_huge_pages_for_heap(128 << 20);
}

}  // namespace mgate
