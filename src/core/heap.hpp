#pragma once
#include <cstddef>

namespace mgate {

// glibc's malloc gives blocks from 128 KiB up (a threshold it raises as they are freed) memory
// of their own, mapped when asked for and unmapped when freed: a lint run's growing vectors of
// findings, parse trees and the report's text took fresh pages again and again, a page fault for
// each 4 KiB first touched. Kept on the heap (blocks below 32 MiB), and the heap kept until exit
// (256 MiB may stand free at its top before it is given back), freed memory is reused: 4-8% of a
// lint run on a history of 700-800 migrations (bench/README.md). Called first thing in main.
void keep_freed_memory_on_heap();

// Asks the kernel to back about the next `bytes` of the calling thread's malloc heap (in blocks
// of nearly 32 MiB) with transparent huge pages: the memory is allocated (not touched, so it
// costs no RAM), its whole 2 MiB pages advised MADV_HUGEPAGE, and freed again, and the heap
// keeps it for the allocations that follow (keep_freed_memory_on_heap). A thread that touches
// tens of megabytes then takes one page fault per 2 MiB instead of one per 4 KiB: even reused, a
// run's memory is touched once first, and those faults were a quarter of a lint run's CPU on the
// big file and on a history of 700 migrations (a fault costs more in a virtual machine, as CI
// runners are). glibc's `glibc.malloc.hugetlb=1` tunable does the same, but only the environment
// can set it. Where the kernel has transparent huge pages off, the advice changes nothing;
// memory beyond `bytes` is paged as before. The rest of the 2 MiB page the heap had begun to
// use, which no advice can make huge, is taken and kept untouched, so that what the thread
// allocates next starts on an advised page. Worth it only for a thread that will touch
// megabytes: a small run pays more for its first 2 MiB page than it saves.
void advise_huge_pages_for_heap(std::size_t bytes);

// The same for the main thread's heap, which grows with the program break, grown by `bytes` at
// once: blocks allocated one after another to make it grow write a chunk header where one ends
// and the next begins before the advice, and the 2 MiB page around it is then paged 4 KiB at a
// time (512 of the big file's page faults). One request just larger than the heap's top, with
// `bytes` of padding (M_TOP_PAD), writes its header just past the old break, and what lies
// wholly beyond is advised. False, and nothing advised, when the heap does not grow so (the
// request served from elsewhere). Call it on the main thread only.
bool advise_huge_pages_for_main_heap(std::size_t bytes);

// Advises the heap of the thread that runs the command (main) once, the first time a layer sees
// that the input is large: discovery, a migrations directory of many entries; reading, a file
// of 256 KiB or more (before its bytes are allocated); the parser, scripts of many bytes. Later
// calls do nothing, and so do calls on any thread but the one keep_freed_memory_on_heap was
// called on (when it was). A small run does not call it: a 2 MiB page
// touched once would cost it more than the 4 KiB pages it saves (measured in bench/README.md).
void expect_a_large_run();

}  // namespace mgate
