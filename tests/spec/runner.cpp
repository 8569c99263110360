#include "runner.h"

#include "error_messages.h"
#include "spectest_host.h"
#include "values.h"

#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>

namespace tycho::spec {

using namespace tycho::wasm;

struct Runner::Outcome {
    enum class Kind : uint8_t { Pass, Fail, Skip };
    Kind kind = Kind::Pass;
    std::string expected; // Skip: the reason
    std::string happened; // Skip: the detail, e.g. the file

    static Outcome pass() { return {}; }
    static Outcome skip(std::string_view reason, std::string detail) {
        return {Kind::Skip, std::string(reason), std::move(detail)};
    }
    static Outcome fail(std::string expected, std::string happened) {
        return {Kind::Fail, std::move(expected), std::move(happened)};
    }
};

struct Runner::ActionResult {
    enum class Kind : uint8_t { Returned, Trapped, NotRun };
    Kind kind = Kind::NotRun;
    std::string description; // e.g. `invoke "add"(i32:1, i32:2)`
    std::vector<Value> values;
    Trap trap;
    std::string error; // why it could not run (NotRun)

    // What the action did, for the right-hand side of a failure line.
    std::string what_happened() const;
};

namespace {

// `s` in double quotes, with control characters, quotes and backslashes written as \hh
// (export names in the testsuite contain all of them).
std::string in_quotes(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char c : s) {
        auto b = uint8_t(c);
        if (b < 0x20 || b == 0x7f || c == '"' || c == '\\') {
            out += '\\';
            out += kHex[b >> 4];
            out += kHex[b & 15];
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string describe_values(const std::vector<Value>& values) {
    if (values.empty()) return "no results";
    std::string out;
    for (const Value& v : values)
        out += (out.empty() ? "" : ", ") + describe(v);
    return out;
}

// " (at byte N)" for an engine error with a position in the module, else nothing.
std::string position(const Error& error) {
    if (error.offset == Error::npos) return {};
    return " (at byte " + std::to_string(error.offset) + ")";
}

// An engine error with its position in the module, when it has one.
std::string describe_error(const Error& error) {
    return error.message + position(error);
}

std::string describe_trap(const Trap& trap) {
    return "trapped with " + in_quotes(trap.message) + " (trap code " +
           std::to_string(int(trap.code)) + ")";
}

// The engine's wording matches when either message is a prefix of the other: the
// testsuite sometimes appends detail ("uninitialized element 2").
bool message_matches(std::string_view actual, std::string_view expected) {
    if (actual.empty()) return false;
    return actual.starts_with(expected) || expected.starts_with(actual);
}

const Json::Array& array_member(const Json& object, std::string_view key) {
    const Json* member = object.find(key);
    if (!member) throw Malformed("missing \"" + std::string(key) + "\"");
    if (!member->as_array()) throw Malformed("\"" + std::string(key) + "\" is not an array");
    return *member->as_array();
}

const Json& object_member(const Json& object, std::string_view key) {
    const Json* member = object.find(key);
    if (!member) throw Malformed("missing \"" + std::string(key) + "\"");
    if (!member->as_object()) throw Malformed("\"" + std::string(key) + "\" is not an object");
    return *member;
}

// "text" modules are skipped (kTextFormat).
bool is_text_module(const Json& command) {
    const Json* type = command.find("module_type");
    if (!type) return false;
    if (!type->as_string()) throw Malformed("\"module_type\" is not a string");
    if (*type->as_string() == "text") return true;
    if (*type->as_string() == "binary") return false;
    throw Malformed("unknown module_type " + in_quotes(*type->as_string()));
}

} // namespace

std::string Runner::ActionResult::what_happened() const {
    switch (kind) {
    case Kind::Returned: return "returned " + describe_values(values);
    case Kind::Trapped: return describe_trap(trap);
    case Kind::NotRun: return error;
    }
    return "?";
}

Runner::Runner(std::string label, bool verbose, CompileOptions options)
    : label_(std::move(label)), script_name_(std::filesystem::path(label_).filename().string()),
      verbose_(verbose), compile_options_(options) {}

Result<void, std::string> Runner::init() {
    return define_spectest(linker_, verbose_);
}

void Runner::fail(int64_t line, std::string_view command, std::string_view expected,
                  std::string_view happened) {
    ++tally_.failed;
    std::cout << label_ << ":" << line << ": " << command << ": " << expected << " / " << happened
              << std::endl;
}

void Runner::skip(int64_t line, std::string_view command, const std::string& reason,
                  std::string_view detail) {
    ++tally_.skipped[reason];
    std::cout << label_ << ":" << line << ": " << command << ": skipped: " << reason;
    if (!detail.empty()) std::cout << " (" << detail << ")";
    std::cout << std::endl;
}

void Runner::print_summary() const {
    std::cout << label_ << ": " << tally_.passed << " passed, " << tally_.failed << " failed, "
              << tally_.skipped_total() << " skipped";
    if (!tally_.skipped.empty()) {
        std::string list;
        for (const auto& [reason, count] : tally_.skipped)
            list += (list.empty() ? "" : ", ") + reason + ": " + std::to_string(count);
        std::cout << " (" << list << ")";
    }
    std::cout << std::endl;
    if (tally_.passed > 0 || tally_.failed > 0) return;
    if (verdict() == Verdict::Skip)
        std::cout << label_ << ": SKIPPED: every command is a " << kTextFormat
                  << "; Tycho takes only binaries" << std::endl;
    else
        std::cout << label_ << ": FAILED: no command was run" << std::endl;
}

void Runner::run(const Json& document, const std::filesystem::path& module_dir) {
    module_dir_ = module_dir;
    const Json::Array* commands = nullptr;
    if (const Json* c = document.find("commands")) commands = c->as_array();
    if (!commands) {
        fail(0, "document", "an object with a \"commands\" array", "none found");
        return;
    }
    for (const Json& command : *commands) {
        int64_t line = 0;
        if (const Json* l = command.find("line")) line = l->as_int().value_or(0);
        std::string type = "?";
        if (const Json* t = command.find("type"); t && t->as_string()) type = *t->as_string();
        if (verbose_) announce(line, type, command);

        Outcome outcome;
        try {
            if (!command.as_object()) throw Malformed("command is not an object");
            outcome = run_command(string_member(command, "type"), command);
        } catch (const Malformed& e) {
            outcome = Outcome::fail("a well-formed command", e.what());
        } catch (const std::exception& e) {
            outcome = Outcome::fail("no exception", std::string("exception: ") + e.what());
        }
        switch (outcome.kind) {
        case Outcome::Kind::Pass: ++tally_.passed; break;
        case Outcome::Kind::Skip: skip(line, type, outcome.expected, outcome.happened); break;
        case Outcome::Kind::Fail: fail(line, type, outcome.expected, outcome.happened); break;
        }
    }
}

// Printed before the command runs so that a crash can be traced to it.
void Runner::announce(int64_t line, const std::string& type, const Json& command) const {
    std::string detail;
    if (const Json* f = command.find("filename"); f && f->as_string()) detail = *f->as_string();
    if (const Json* a = command.find("action"))
        if (const Json* f = a->find("field"); f && f->as_string())
            detail = in_quotes(*f->as_string());
    std::cout << label_ << ":" << line << ": running " << type << " " << detail << std::endl;
}

Runner::Outcome Runner::run_command(const std::string& type, const Json& command) {
    if (type == "module") return module_command(command);
    if (type == "register") return register_command(command);
    if (type == "action" || type == "assert_return" || type == "assert_exhaustion")
        return action_command(type, command);
    if (type == "assert_trap") {
        // A module inside assert_trap is a trap during instantiation.
        if (command.find("filename")) return instantiate_fails(type, command);
        return action_command(type, command);
    }
    if (type == "assert_invalid" || type == "assert_malformed") return compile_fails(command);
    if (type == "assert_unlinkable" || type == "assert_uninstantiable")
        return instantiate_fails(type, command);
    return Outcome::fail("a known command type", "unknown command type " + in_quotes(type));
}

Result<std::vector<uint8_t>, std::string> Runner::read_module(const Json& command) const {
    std::filesystem::path path = module_dir_ / string_member(command, "filename");
    std::ifstream in(path, std::ios::binary);
    if (!in) return "cannot open " + path.string();
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    if (in.bad()) return "cannot read " + path.string();
    return bytes;
}

Runner::Outcome Runner::module_command(const Json& command) {
    const Json* name = command.find("name");
    if (name && !name->as_string()) throw Malformed("\"name\" is not a string");
    // Whatever happens, later commands must not silently use an older module.
    current_ = nullptr;
    if (name) named_.erase(*name->as_string());

    const std::string expected = "module compiles and instantiates";
    auto bytes = read_module(command);
    if (!bytes) return Outcome::fail(expected, bytes.error());
    auto module = compile(bytes.value());
    if (!module) return Outcome::fail(expected, "compile error: " + describe_error(module.error()));
    auto instance = linker_.instantiate(*context_, module.value());
    if (!instance)
        return Outcome::fail(expected, "instantiation error: " + describe_error(instance.error()));

    current_ = instance.value();
    if (name) named_[*name->as_string()] = current_;
    return Outcome::pass();
}

Runner::Outcome Runner::register_command(const Json& command) {
    const std::string& as = string_member(command, "as");
    std::string error;
    std::shared_ptr<Instance> instance = find_instance(command.find("name"), error);
    if (!instance) return Outcome::fail("register as " + in_quotes(as), error);
    linker_.define_instance(as, instance);
    return Outcome::pass();
}

std::shared_ptr<Instance> Runner::find_instance(const Json* name, std::string& error) const {
    if (!name) {
        if (!current_) error = "no current module";
        return current_;
    }
    if (!name->as_string()) throw Malformed("module name is not a string");
    auto it = named_.find(*name->as_string());
    if (it == named_.end()) {
        error = "no module named " + *name->as_string();
        return nullptr;
    }
    return it->second;
}

Runner::ActionResult Runner::perform(const Json& action) {
    ActionResult r;
    const std::string& type = string_member(action, "type");
    const std::string& field = string_member(action, "field");
    const Json* module_name = action.find("module");
    std::string target = in_quotes(field);
    if (module_name && module_name->as_string()) target = *module_name->as_string() + " " + target;
    std::vector<Value> args;
    if (type == "invoke") {
        for (const Json& arg : array_member(action, "args"))
            args.push_back(parse_value(arg));
        std::string list;
        for (const Value& v : args)
            list += (list.empty() ? "" : ", ") + describe(v);
        r.description = "invoke " + target + "(" + list + ")";
    } else if (type == "get") {
        r.description = "get " + target;
    } else {
        throw Malformed("unknown action type " + in_quotes(type));
    }
    std::shared_ptr<Instance> instance = find_instance(module_name, r.error);
    if (!instance) return r;

    if (type == "get") {
        std::optional<Extern> e = instance->get_export(field);
        if (!e || e->kind != ExternKind::Global || !e->global) {
            r.error = "no exported global " + in_quotes(field);
            return r;
        }
        r.kind = ActionResult::Kind::Returned;
        r.values.push_back(e->global->get());
        return r;
    }

    const Function* function = instance->exported_function(field);
    if (!function) {
        r.error = "no exported function " + in_quotes(field);
        return r;
    }
    const std::vector<ValType>& params = function->type().params;
    bool types_match = params.size() == args.size();
    for (size_t i = 0; types_match && i < args.size(); ++i)
        types_match = params[i] == args[i].type;
    if (!types_match) {
        r.error = "arguments do not match the function type " + function->type().to_string();
        return r;
    }
    auto result = function->call(*context_, args);
    if (result) {
        r.kind = ActionResult::Kind::Returned;
        r.values = std::move(result.value());
    } else {
        r.kind = ActionResult::Kind::Trapped;
        r.trap = result.error();
    }
    return r;
}

Runner::Outcome Runner::action_command(const std::string& type, const Json& command) {
    ActionResult r = perform(object_member(command, "action"));
    using Kind = ActionResult::Kind;

    if (type == "action") {
        if (r.kind == Kind::Returned) return Outcome::pass();
        return Outcome::fail(r.description + " runs", r.what_happened());
    }

    if (type == "assert_return") {
        std::vector<Expected> expected;
        for (const Json& e : array_member(command, "expected"))
            expected.push_back(parse_expected(e));
        std::string want;
        for (const Expected& e : expected)
            want += (want.empty() ? "" : ", ") + describe(e);
        want = r.description + " returns " + (want.empty() ? "no results" : want);
        if (r.kind != Kind::Returned) return Outcome::fail(want, r.what_happened());
        bool ok = r.values.size() == expected.size();
        for (size_t i = 0; ok && i < expected.size(); ++i)
            ok = matches(expected[i], r.values[i]);
        if (ok) return Outcome::pass();
        return Outcome::fail(want, r.what_happened());
    }

    if (type == "assert_exhaustion") {
        std::string want = r.description + " exhausts the call stack";
        if (r.kind == Kind::Trapped && r.trap.code == TrapCode::CallStackExhausted)
            return Outcome::pass();
        return Outcome::fail(want, r.what_happened());
    }

    // assert_trap
    const std::string& text = string_member(command, "text");
    std::string want = r.description + " traps with " + in_quotes(text);
    if (r.kind == Kind::Trapped && message_matches(r.trap.message, text)) return Outcome::pass();
    return Outcome::fail(want, r.what_happened());
}

// The module must fail to compile, and for the reason the script gives (see
// error_messages.h for how the engine's wording is compared with the spec's).
Runner::Outcome Runner::compile_fails(const Json& command) {
    const std::string& file = string_member(command, "filename");
    if (is_text_module(command)) return Outcome::skip(kTextFormat, file);
    const std::string& text = string_member(command, "text");
    std::string want = file + " fails to compile with " + in_quotes(text);
    auto bytes = read_module(command);
    if (!bytes) return Outcome::fail(want, bytes.error());
    auto module = compile(bytes.value());
    if (module) return Outcome::fail(want, "compiled");
    if (compile_error_matches(module.error().message, text, script_name_)) return Outcome::pass();
    return Outcome::fail(want, "failed with " + in_quotes(module.error().message) +
                                   position(module.error()));
}

// assert_unlinkable, assert_uninstantiable and the module form of assert_trap. The engine
// reports link errors and start-up traps alike as an Error, so the message tells them apart.
Runner::Outcome Runner::instantiate_fails(const std::string& type, const Json& command) {
    const std::string& file = string_member(command, "filename");
    if (is_text_module(command)) return Outcome::skip(kTextFormat, file);
    const std::string& text = string_member(command, "text");
    const char* what = type == "assert_unlinkable" ? "link error" : "trap during instantiation";
    std::string want = file + " fails with " + what + " " + in_quotes(text);
    auto bytes = read_module(command);
    if (!bytes) return Outcome::fail(want, bytes.error());
    auto module = compile(bytes.value());
    if (!module) return Outcome::fail(want, "compile error: " + describe_error(module.error()));
    auto instance = linker_.instantiate(*context_, module.value());
    if (instance) return Outcome::fail(want, "instantiated");
    if (message_matches(instance.error().message, text)) return Outcome::pass();
    return Outcome::fail(want, "failed with " + in_quotes(instance.error().message));
}

} // namespace tycho::spec
