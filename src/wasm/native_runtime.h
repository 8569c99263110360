// The NativeRuntime the engine hands to its native tier.
#pragma once

#include "native_tier.h"

namespace tycho::wasm::detail {

const NativeRuntime& native_runtime();

} // namespace tycho::wasm::detail
