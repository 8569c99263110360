// `tycho compile`: fills the native code cache ahead of time, so that the modules' first
// runs start with native code.
#pragma once

#include <string>
#include <vector>

namespace tycho::cli {

// ${XDG_CACHE_HOME:-$HOME/.cache}/tycho/native: where `tycho run` and `tycho compile` keep
// native code unless told otherwise.
std::string default_cache_dir();

// args: [--cache-dir DIR] FILE.wasm... ; returns the exit status.
int run_compile(const std::vector<std::string>& args);

} // namespace tycho::cli
