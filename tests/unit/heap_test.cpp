#include "core/heap.hpp"

#include <gtest/gtest.h>
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace mgate {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kOwnAllocator = true;  // the sanitizer's allocator, not glibc's heap
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kOwnAllocator = true;
#else
constexpr bool kOwnAllocator = false;
#endif
#else
constexpr bool kOwnAllocator = false;
#endif

// The line of /proc/self/smaps that starts with `field` for the mapping of this process that
// holds `address` ("" when none does).
std::string smaps_line_at(const void* address, const std::string& field) {
  auto at = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t begin = 0;
    std::uintptr_t end = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> begin >> dash >> end && dash == '-') {
      inside = begin <= at && at < end;
    } else if (inside && line.starts_with(field + ":")) {
      return line;
    }
  }
  return "";
}

std::string vm_flags_at(const void* address) {
  return smaps_line_at(address, "VmFlags");
}

// Whether the mapping that holds `address` is advised for huge pages ("hg" in its VmFlags).
bool advised_huge(const void* address) {
  std::istringstream flags(vm_flags_at(address));
  std::string flag;
  while (flags >> flag) {
    if (flag == "hg") return true;
  }
  return false;
}

// After the advice, what the thread allocates next lies in memory advised for huge pages: on the
// main heap and in a thread's own arena.
TEST(Heap, WhatTheThreadAllocatesAfterTheAdviceIsInHugePageMemory) {
  if (kOwnAllocator) GTEST_SKIP() << "a sanitizer's allocator holds no glibc heap";
  if (!std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled"))
    GTEST_SKIP() << "this kernel has no transparent huge pages";
  keep_freed_memory_on_heap();
  auto allocate_after_advice = [] {
    advise_huge_pages_for_heap(32 << 20);
    char* block = static_cast<char*>(std::malloc(8 << 20));
    // Past the first 2 MiB boundary: the advice covers whole huge pages only.
    bool advised = advised_huge(block + (4 << 20));
    std::free(block);
    return advised;
  };
  EXPECT_TRUE(allocate_after_advice()) << "on the calling thread's heap";
  bool in_thread = false;
  std::thread([&] { in_thread = allocate_after_advice(); }).join();
  EXPECT_TRUE(in_thread) << "in a new thread's arena";
}

// The advice leaves nothing of the 2 MiB page the heap had begun to use for what follows: the
// next block starts in huge-page memory, its first bytes too.
TEST(Heap, WhatFollowsTheAdviceStartsInHugePageMemory) {
  if (kOwnAllocator) GTEST_SKIP() << "a sanitizer's allocator holds no glibc heap";
  if (!std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled"))
    GTEST_SKIP() << "this kernel has no transparent huge pages";
  keep_freed_memory_on_heap();
  auto first_byte_advised = [] {
    advise_huge_pages_for_heap(32 << 20);
    char* block = static_cast<char*>(std::malloc(3 << 20));
    bool advised = advised_huge(block);
    std::free(block);
    return advised;
  };
  EXPECT_TRUE(first_byte_advised()) << "on the calling thread's heap";
  bool in_thread = false;
  std::thread([&] { in_thread = first_byte_advised(); }).join();
  EXPECT_TRUE(in_thread) << "in a new thread's arena";
}

// The smaps size `field` ("Rss", "AnonHugePages") of the mapping that holds `address`, in KiB;
// -1 when there is none.
long smaps_kib_at(const void* address, const std::string& field) {
  std::string line = smaps_line_at(address, field);
  return line.empty() ? -1 : std::stol(line.substr(field.size() + 1));
}

// The main heap grown at once is advised before anything in it is touched: what the run touches
// there is all on huge pages (blocks allocated one after another each left a 4 KiB page of
// header in the middle). Checked in a process of its own, whose heap has not grown yet.
constexpr const char* kMainHeapChild = "MGATE_HEAP_TEST_CHILD";

void check_main_heap_advice() {
  keep_freed_memory_on_heap();
  ASSERT_TRUE(advise_huge_pages_for_main_heap(128 << 20)) << "the heap did not grow";
  // What the heap held free before comes first; then the advised memory.
  char* block = nullptr;
  for (int i = 0; i < 256 && !(block && advised_huge(block)); ++i) {
    block = static_cast<char*>(std::malloc(1 << 20));
    for (int k = 0; k < (1 << 20); k += 4096) block[k] = 1;
  }
  ASSERT_TRUE(block && advised_huge(block));
  long rss = smaps_kib_at(block, "Rss");
  long huge = smaps_kib_at(block, "AnonHugePages");
  if (huge == 0) GTEST_SKIP() << "the kernel gave no huge page";
  // A 4 KiB page in the advised mapping is one touched before the advice.
  EXPECT_LE(rss - huge, 4) << "Rss " << rss << " KiB, AnonHugePages " << huge << " KiB";
}

TEST(Heap, TheMainHeapIsAdvisedBeforeAnythingInItIsTouched) {
  if (kOwnAllocator) GTEST_SKIP() << "a sanitizer's allocator holds no glibc heap";
  if (!std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled"))
    GTEST_SKIP() << "this kernel has no transparent huge pages";
  if (std::getenv(kMainHeapChild)) {
    check_main_heap_advice();
    return;
  }
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    setenv(kMainHeapChild, "1", 1);
    execl("/proc/self/exe", "/proc/self/exe",
          "--gtest_filter=Heap.TheMainHeapIsAdvisedBeforeAnythingInItIsTouched", nullptr);
    _exit(127);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the test failed in its own process (output above)";
}

// Blocks of megabytes come from the heap, not from mappings of their own, and a freed one stays
// on the heap for what comes next.
TEST(Heap, LargeBlocksAreKeptOnTheHeap) {
  if (kOwnAllocator) GTEST_SKIP() << "a sanitizer's allocator holds no glibc heap";
  keep_freed_memory_on_heap();
  std::size_t mapped = mallinfo2().hblkhd;
  void* block = std::malloc(24 << 20);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(mallinfo2().hblkhd, mapped) << "a 24 MiB block was mapped on its own";
  std::size_t heap = mallinfo2().arena;
  std::free(block);
  EXPECT_EQ(mallinfo2().arena, heap) << "freeing a 24 MiB block gave memory back";
}

}  // namespace
}  // namespace mgate
