#include "service/ordered_findings.h"

#include "service/held_findings.h"
#include "service/held_output.h"

namespace aihunt::service {

class OrderedFindings::HuntWriter final : public FindingWriter {
 public:
  HuntWriter(OrderedFindings& owner, std::size_t index) : owner_(owner), index_(index) {}
  core::Status write(const detection::Finding& finding) override {
    return owner_.write(index_, finding);
  }
  core::Status pageDone() override { return owner_.pageDone(index_); }
  // The hunt's end is done(); the shared writer is finished by its owner.
  core::Status finish() override { return {}; }

 private:
  OrderedFindings& owner_;
  std::size_t index_;
};

OrderedFindings::OrderedFindings(FindingWriter& out, std::size_t hunts, std::uint64_t max_bytes)
    : out_(out), held_(hunts), max_bytes_(max_bytes), done_(hunts, false) {
  writers_.reserve(hunts);
  for (std::size_t i = 0; i < hunts; ++i)
    writers_.push_back(std::make_unique<HuntWriter>(*this, i));
}

OrderedFindings::~OrderedFindings() = default;

FindingWriter& OrderedFindings::writer(std::size_t index) { return *writers_.at(index); }

core::Status OrderedFindings::write(std::size_t index, const detection::Finding& finding) {
  const std::lock_guard lock(mutex_);
  if (index == head_) return out_.write(finding);
  if (failure_) return *failure_;
  held_[index].push_back(finding);
  held_bytes_ += heldFindingBytes(held_[index].back());
  if (max_bytes_ != 0 && held_bytes_ > max_bytes_) {
    failure_ = outputLimitError(max_bytes_,
                                "of memory (the findings of hunts that ran beside an earlier "
                                "one, held so that each hunt's findings come out together)");
    for (auto& findings : held_) std::vector<detection::Finding>().swap(findings);
    return *failure_;
  }
  return {};
}

std::optional<core::Error> OrderedFindings::failure() const {
  const std::lock_guard lock(mutex_);
  return failure_;
}

core::Status OrderedFindings::pageDone(std::size_t index) {
  const std::lock_guard lock(mutex_);
  // Only what reached `out` can be made durable; a held hunt's page is not there yet.
  if (index == head_) return out_.pageDone();
  return {};
}

core::Status OrderedFindings::done(std::size_t index) {
  const std::lock_guard lock(mutex_);
  done_.at(index) = true;
  return advance();
}

core::Status OrderedFindings::advance() {
  core::Status status;
  while (head_ < done_.size() && done_[head_]) {
    ++head_;
    if (head_ == done_.size()) break;
    // The new head's findings so far go out now; its later ones go straight through.
    std::vector<detection::Finding> held = std::move(held_[head_]);
    held_[head_] = {};
    for (const auto& finding : held) held_bytes_ -= heldFindingBytes(finding);
    for (const auto& finding : held) {
      if (auto written = out_.write(finding); !written && status) status = written;
    }
    if (!held.empty()) {
      if (auto paged = out_.pageDone(); !paged && status) status = paged;
    }
  }
  return status;
}

std::size_t OrderedFindings::held() const {
  const std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& findings : held_) total += findings.size();
  return total;
}

}  // namespace aihunt::service
