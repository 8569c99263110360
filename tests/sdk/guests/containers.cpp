// A C++20 guest built by tycho-c++: libc++ containers, strings, smart pointers, and the C
// header from C++.
#include <lunatic.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

int main() {
    std::vector<std::string> words{"processes", "talk", "by", "messages"};
    std::ranges::sort(words);
    std::map<std::size_t, std::string> by_length;
    for (const auto& w : words)
        by_length[w.size()] = w;
    auto owner =
        std::make_unique<std::string>("process " + std::to_string(lunatic_process_process_id()));
    std::printf("c++ guest: %s; %s; longest %s\n", owner->c_str(), words.front().c_str(),
                by_length.rbegin()->second.c_str());
    return 0;
}
