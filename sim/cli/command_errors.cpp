#include "sim/cli/command_errors.hpp"

#include <iostream>
#include <new>

#include "sim/config/scenario_yaml.hpp"
#include "sim/core/damaged_file_error.hpp"
#include "sim/core/errors.hpp"
#include "sim/io/nc_writer.hpp"

namespace schoolsim::cli {

int run_reporting_errors(const std::function<int()>& command, const ErrorWording& wording) {
  const auto say = [&](const std::string& text) {
    if (wording.print) std::cerr << "schoolsim: " << text << "\n";
  };
  try {
    return command();
  } catch (const config::ConfigError& e) {  // one line per problem, under a heading
    say(wording.invalid_config + ":\n" + e.what());
    return kExitInputError;
  } catch (const InputError& e) {
    say(e.what());
    return kExitInputError;
  } catch (const DamagedFileError& e) {  // "damaged: FILE: PROBLEM"
    say(e.what());
    return kExitRuntimeError;
  } catch (const io::OutputError& e) {
    say(wording.cannot_write + ": " + e.what());
    return kExitRuntimeError;
  } catch (const std::bad_alloc&) {
    say("error: out of memory");
    return kExitRuntimeError;
  } catch (const std::exception& e) {
    say(std::string("error: ") + e.what());
    return kExitRuntimeError;
  }
}

}  // namespace schoolsim::cli
