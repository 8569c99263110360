// Module-level validation (Wasm 2.0): everything the validation rules require except the
// instructions of function bodies, which the function-body validator checks.
#pragma once

#include <tycho/wasm/module_info.h>
#include <tycho/wasm/result.h>

#include <vector>

namespace tycho::wasm {

// Checks indices, limits, constant expressions, segments, the start function and exports.
Result<void> validate_module(const ModuleInfo& module);

// The spec's C.refs: one flag per function index, set when the function occurs in a
// `ref.func` outside function bodies (global inits, element segments) or is exported.
// A function body may only use `ref.func x` when x is in this set.
std::vector<bool> declared_function_refs(const ModuleInfo& module);

} // namespace tycho::wasm
