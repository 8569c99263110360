// What `tycho run` hands the root process besides its config: the --dir directories,
// opened, and listening sockets for --tcplisten.
#pragma once

#include "host/metrics/listen_address.h"
#include "host/process_config.h"
#include "host/wasi/preopens.h"

#include <memory>
#include <span>
#include <string>
#include <variant>

namespace tycho::cli {

// Opens the directories and starts listening on the addresses (a backlog of 1024); the error
// names the option and the reason.
std::variant<std::shared_ptr<const host::PreopenSet>, std::string>
open_root_preopens(std::span<const host::PreopenDir> dirs,
                   std::span<const host::ListenAddress> listen);

} // namespace tycho::cli
