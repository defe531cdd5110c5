#include "core/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>

namespace mgate {

void keep_freed_memory_on_heap() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

void advise_huge_pages_for_heap(std::size_t bytes) {
  constexpr std::uintptr_t kHugePage = 2 << 20;
  // Blocks of 32 MiB stay below the mmap threshold (a block above it would be mapped on its own
  // and unmapped when freed, taking the advice with it) and fit one heap of a thread's arena
  // (64 MiB). Allocated one after another, they come from the heap's top.
  constexpr std::size_t kBlock = 32 << 20;
  std::array<void*, 8> blocks{};
  std::size_t count = std::min(blocks.size(), (bytes + kBlock - 1) / kBlock);
  for (std::size_t i = 0; i < count; ++i) {
    blocks[i] = std::malloc(kBlock);
    if (!blocks[i]) break;
    auto begin = reinterpret_cast<std::uintptr_t>(blocks[i]);
    std::uintptr_t first = (begin + kHugePage - 1) / kHugePage * kHugePage;
    std::uintptr_t last = (begin + kBlock) / kHugePage * kHugePage;
    // The advice is a hint: a kernel without transparent huge pages refuses it, and that is all.
    if (first < last) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
  }
  for (void* block : blocks) std::free(block);
}

}  // namespace mgate
