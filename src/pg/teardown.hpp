#pragma once
#include <functional>

namespace mgate::pg {

// What mgate started (servers, containers, scratch databases) is stopped on every exit path:
// destructors cover normal ends, errors and exceptions; this covers SIGINT, SIGTERM, SIGHUP (the
// terminal closed) and SIGQUIT.
//
// Blocks those signals in the calling thread (call it first thing in main, before any
// other thread exists) and starts a thread that waits for them, runs every registered teardown,
// and exits with 128 + the signal's number.
void stop_everything_on_signal();

// Called by main before it returns: when a signal's teardown is under way, waits for it (the
// signal thread then exits the process), so that main's own exit cannot cut it short.
void wait_for_signal_teardown();

// Registers an action for the signal path; returns a handle for unregister_teardown. The action
// runs on another thread while the main thread is still running: it must be idempotent and
// thread-safe. Unregister it before the object it refers to dies, and never while holding a lock
// that the action takes.
int register_teardown(std::function<void()> action);
void unregister_teardown(int handle);

}  // namespace mgate::pg
