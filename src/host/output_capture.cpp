#include "host/output_capture.h"

#include <cstdio>

namespace tycho::host {

CaptureGroup::~CaptureGroup() {
    budget_.release(charged_);
}

size_t CaptureGroup::add_buffer() {
    std::lock_guard guard(lock_);
    buffers_.emplace_back();
    return buffers_.size() - 1;
}

void CaptureGroup::append(size_t buffer, std::span<const uint8_t> bytes) {
    if (bytes.empty()) return;
    std::lock_guard guard(lock_);
    if (echo_) {
        std::fwrite(bytes.data(), 1, bytes.size(), stdout);
        std::fflush(stdout);
    }
    if (dropped_ != 0 || !budget_.try_charge(bytes.size())) {
        dropped_ += bytes.size();
        return;
    }
    charged_ += bytes.size();
    buffers_[buffer].append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::string CaptureGroup::text(size_t buffer) const {
    std::lock_guard guard(lock_);
    return buffer < buffers_.size() ? buffers_[buffer] : std::string();
}

std::string CaptureGroup::text() const {
    std::lock_guard guard(lock_);
    std::string all;
    for (const std::string& buffer : buffers_)
        all += buffer;
    if (dropped_ != 0)
        all += "\n[tycho: " + std::to_string(dropped_) +
               " more bytes of output were dropped: the runtime's memory budget is used up]\n";
    return all;
}

} // namespace tycho::host
