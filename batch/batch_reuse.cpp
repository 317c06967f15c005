#include "batch/batch_reuse.h"

#include "batch/batch_output.h"

namespace nixcc {

PreviousOutput::PreviousOutput(const std::filesystem::path& dir) : dir_(dir) {
  TimingDb db(dir / BatchOutput::kDatabaseName, TimingDb::Access::ReadOnly);
  for (auto& compile : db.successful_compiles()) {
    auto key = compile.object;
    by_object_.insert_or_assign(std::move(key), std::move(compile));  // the latest compile wins
  }
}

const CompileRecord* PreviousOutput::find(const std::string& object) const {
  const auto it = by_object_.find(object);
  return it == by_object_.end() ? nullptr : &it->second;
}

}  // namespace nixcc
