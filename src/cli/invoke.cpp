#include "invoke.h"

#include "errors.h"
#include "host/failure_report.h"
#include "host/process_limits.h"
#include "module_file.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace tycho::cli {

using namespace tycho::wasm;

namespace {

// Integers: decimal or 0x-hex, signed or unsigned, as long as the bits fit.
template <class S, class U> std::optional<U> parse_int(const std::string& text) {
    const char* p = text.c_str();
    const char* end = p + text.size();
    bool negative = false;
    if (p < end && (*p == '-' || *p == '+')) negative = *p++ == '-';
    int base = 10;
    if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    U magnitude = 0;
    auto [last, ec] = std::from_chars(p, end, magnitude, base);
    if (ec != std::errc() || last != end || p == end) return std::nullopt;
    if (negative) {
        const U limit = U(std::numeric_limits<S>::max()) + 1;
        if (magnitude > limit) return std::nullopt;
        return U(0) - magnitude;
    }
    return magnitude;
}

template <class F> std::optional<F> parse_float(const std::string& text) {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return std::nullopt;
    return static_cast<F>(d);
}

} // namespace

std::optional<Value> parse_value(ValType type, const std::string& text) {
    switch (type) {
    case ValType::I32:
        if (auto v = parse_int<int32_t, uint32_t>(text)) return Value{ValType::I32, *v};
        return std::nullopt;
    case ValType::I64:
        if (auto v = parse_int<int64_t, uint64_t>(text)) return Value{ValType::I64, *v};
        return std::nullopt;
    case ValType::F32:
        if (auto v = parse_float<float>(text)) return Value::f32(*v);
        return std::nullopt;
    case ValType::F64:
        if (auto v = parse_float<double>(text)) return Value::f64(*v);
        return std::nullopt;
    case ValType::FuncRef:
    case ValType::ExternRef:
        if (text == "null") return Value::null(type);
        return std::nullopt;
    default: return std::nullopt;
    }
}

std::string format_value(const Value& v) {
    char buf[64];
    switch (v.type) {
    case ValType::I32: return std::to_string(v.as_i32());
    case ValType::I64: return std::to_string(v.as_i64());
    case ValType::F32: {
        auto r = std::to_chars(buf, buf + sizeof buf, v.as_f32());
        return std::string(buf, r.ptr);
    }
    case ValType::F64: {
        auto r = std::to_chars(buf, buf + sizeof buf, v.as_f64());
        return std::string(buf, r.ptr);
    }
    case ValType::FuncRef: return v.is_null() ? "null" : "funcref";
    case ValType::ExternRef: return v.is_null() ? "null" : "externref";
    default: return "?";
    }
}

int run_invoke(const InvokeRequest& request) {
    std::string error;
    auto bytes = read_module_file(request.file, error);
    if (!bytes) return command_error(error);

    auto module = Module::compile(*bytes, request.compile);
    if (!module)
        return command_error("invalid module '" + request.file +
                             "': " + module.error().to_string());

    if (const auto& imports = (*module)->info().imports; !imports.empty())
        return command_error(
            "'" + request.file + "' imports " + imports[0].module + "::" + imports[0].name +
            ", which --invoke does not provide (run it as a process: drop --invoke)");

    const FuncType* type = (*module)->exported_func_type(request.function);
    if (!type)
        return command_error("'" + request.file + "' has no exported function '" +
                             request.function + "'");
    if (request.args.size() != type->params.size())
        return command_error("'" + request.function + "' takes " +
                             std::to_string(type->params.size()) + " argument(s) " +
                             type->to_string() + ", got " + std::to_string(request.args.size()));
    std::vector<Value> args;
    for (size_t i = 0; i < request.args.size(); ++i) {
        auto v = parse_value(type->params[i], request.args[i]);
        if (!v)
            return command_error("argument " + std::to_string(i + 1) + " '" + request.args[i] +
                                 "' is not a valid " + to_string(type->params[i]));
        args.push_back(*v);
    }

    if (auto problem = check_initial_memory(**module, request.limits.max_memory, request.file))
        return command_error(*problem);

    // The same reduction hook as a process's, minus the yield: nothing else runs here.
    auto context = ExecutionContext::create();
    const uint64_t max_fuel = request.limits.max_fuel;
    const uint64_t fuel_limit = host::fuel_in_reductions(max_fuel);
    context->set_reduction_hook(request.limits.reductions, [&](ExecutionContext& ctx) {
        if (fuel_limit != 0 && ctx.reductions() >= fuel_limit) {
            ctx.set_stop_reason(host::out_of_fuel_reason(max_fuel));
            return HookAction::Stop;
        }
        return HookAction::Continue;
    });
    InstantiateOptions options;
    options.memory_page_limit = host::memory_page_limit(request.limits.max_memory);
    Linker linker;
    auto instance = linker.instantiate(*context, *module, options);
    if (!instance)
        return command_error("cannot instantiate '" + request.file +
                             "': " + instance.error().to_string());
    const Function* fn = (*instance)->exported_function(request.function);
    auto results = fn->call(*context, args);
    if (!results) {
        const Trap& trap = results.error();
        std::fprintf(stderr, "tycho: trap in '%s': %s\n", request.function.c_str(),
                     trap.message.c_str());
        const std::string backtrace = host::format_backtrace(trap.backtrace);
        std::fputs(backtrace.c_str(), stderr);
        if (const std::string hint = host::hint_for(trap.code, trap.message); !hint.empty())
            std::fprintf(stderr, "  hint: %s\n", hint.c_str());
        return 1;
    }
    for (const Value& v : results.value())
        std::printf("%s\n", format_value(v).c_str());
    return 0;
}

} // namespace tycho::cli
