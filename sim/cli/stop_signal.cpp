#include "sim/cli/stop_signal.hpp"

#include <unistd.h>

#include <cstring>

namespace schoolsim::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<const char*> g_message{nullptr};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<const char*>::is_always_lock_free,
              "the signal handler may only touch lock-free atomics");

extern "C" void on_stop_signal(int) {
  g_stop.store(true);
  if (const char* message = g_message.load()) {
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, message, std::strlen(message));
  }
}

}  // namespace

StopSignal::StopSignal(const char* message) {
  g_stop = false;
  g_message = message;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

StopSignal::~StopSignal() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  g_message = nullptr;
}

const std::atomic<bool>& StopSignal::flag() { return g_stop; }

}  // namespace schoolsim::cli
