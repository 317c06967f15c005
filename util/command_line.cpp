#include "util/command_line.h"

#include <cstdio>
#include <exception>

#include <fmt/format.h>

namespace nixcc {

int run_command_line(CLI::App& app, const std::string& program, const std::vector<std::string>& args) {
  app.name(program);
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them reversed
    app.parse(reversed);
    return 0;
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a callback's own status, already reported
  } catch (const CLI::ParseError& e) {
    std::fputs(fmt::format("{}: {} (see '{} --help')\n", program, e.what(), program).c_str(), stderr);
    return kUsageExit;
  } catch (const std::exception& e) {
    std::fputs(fmt::format("{}: {}\n", program, e.what()).c_str(), stderr);
    return 1;
  }
}

}  // namespace nixcc
