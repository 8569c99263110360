// The host's functions against the compatibility contract: every Lunatic v0.13 host function
// (testdata/lunatic_v0.13_functions.txt) is defined with exactly its Wasm type, and nothing
// else is defined under a lunatic:: name. A guest built for Lunatic imports these by name and
// type, so one wrong type is a module that does not load.
#include "host/host_module.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace tycho::host {
namespace {

// Namespaces of the contract not wholly provided yet, each with the reason. The functions
// of a namespace listed here that are defined must have their exact types; once all are,
// the test fails until the namespace leaves this list.
const std::map<std::string, std::string> kNotYetProvided = {};

struct ContractEntry {
    std::string module;
    std::string name;
    wasm::FuncType type;
};

wasm::ValType parse_val_type(const std::string& word) {
    if (word == "i32") return wasm::ValType::I32;
    if (word == "i64") return wasm::ValType::I64;
    if (word == "f32") return wasm::ValType::F32;
    if (word == "f64") return wasm::ValType::F64;
    ADD_FAILURE() << "unknown value type '" << word << "' in the contract";
    return wasm::ValType::I32;
}

// "(i32 i64)" -> its types.
std::vector<wasm::ValType> parse_types(std::string list) {
    EXPECT_TRUE(list.size() >= 2 && list.front() == '(' && list.back() == ')') << list;
    std::istringstream words(list.substr(1, list.size() - 2));
    std::vector<wasm::ValType> types;
    for (std::string word; words >> word;)
        types.push_back(parse_val_type(word));
    return types;
}

std::vector<ContractEntry> read_contract() {
    std::ifstream file(std::string(TYCHO_HOST_TESTDATA_SOURCE) + "/lunatic_v0.13_functions.txt");
    EXPECT_TRUE(file) << "cannot read the contract";
    std::vector<ContractEntry> entries;
    for (std::string line; std::getline(file, line);) {
        if (line.empty() || line[0] == '#') continue;
        // module name (params) -> (results)
        const size_t open = line.find(" (");
        const size_t arrow = line.find(" -> ");
        std::istringstream head(line.substr(0, open));
        ContractEntry entry;
        head >> entry.module >> entry.name;
        if (open == std::string::npos || arrow == std::string::npos || entry.name.empty()) {
            ADD_FAILURE() << "malformed contract line: " << line;
            continue;
        }
        entry.type.params = parse_types(line.substr(open + 1, arrow - open - 1));
        entry.type.results = parse_types(line.substr(arrow + 4));
        entries.push_back(std::move(entry));
    }
    return entries;
}

TEST(HostAbi, ContractHasEveryFunctionOnce) {
    const auto contract = read_contract();
    EXPECT_EQ(contract.size(), 140u);
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& entry : contract)
        EXPECT_TRUE(seen.insert({entry.module, entry.name}).second)
            << entry.module << "::" << entry.name << " twice";
}

TEST(HostAbi, EveryContractFunctionIsDefinedWithItsExactType) {
    wasm::Linker linker;
    define_host_modules(linker);
    std::map<std::string, int> missing_of_pending;
    for (const auto& entry : read_contract()) {
        const wasm::Extern* found = linker.find(entry.module, entry.name);
        if (kNotYetProvided.contains(entry.module)) {
            missing_of_pending[entry.module] += found == nullptr ? 1 : 0;
            if (found == nullptr) continue;
        }
        ASSERT_NE(found, nullptr) << entry.module << " " << entry.name << " is missing";
        ASSERT_EQ(found->kind, wasm::ExternKind::Func) << entry.module << " " << entry.name;
        EXPECT_EQ(found->func->type(), entry.type)
            << entry.module << " " << entry.name << ": defined as "
            << found->func->type().to_string() << ", the contract says " << entry.type.to_string();
    }
    for (const auto& [module, reason] : kNotYetProvided)
        EXPECT_GT(missing_of_pending[module], 0)
            << module << " is wholly defined: remove it from kNotYetProvided (" << reason << ")";
}

TEST(HostAbi, NothingOutsideTheContractIsDefinedUnderLunatic) {
    std::set<std::pair<std::string, std::string>> contract;
    for (const auto& entry : read_contract())
        contract.insert({entry.module, entry.name});
    wasm::Linker linker;
    define_host_modules(linker);
    linker.for_each_definition(
        [&](std::string_view module, std::string_view name, const wasm::Extern&) {
            if (!module.starts_with("lunatic::")) return;
            EXPECT_TRUE(contract.contains({std::string(module), std::string(name)}))
                << module << " " << name << " is not a Lunatic v0.13 host function";
        });
}

} // namespace
} // namespace tycho::host
