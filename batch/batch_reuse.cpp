#include "batch/batch_reuse.h"

#include "batch/batch_output.h"

namespace nixcc {

PreviousOutput::PreviousOutput(const std::filesystem::path& dir, const TreeLayout& layout) : dir_(dir) {
  TimingDb db(dir / BatchOutput::kDatabaseName, TimingDb::Access::ReadOnly);
  for (auto& record : db.successful_compiles()) {
    if (record.object.root != PathRoot::Output) continue;  // not this batch's object
    Compile compile;
    for (const auto& h : record.headers) compile.headers.push_back({layout.name_of(h.file), h.hash});
    auto key = record.object.path;
    compile.record = std::move(record);
    by_object_.insert_or_assign(std::move(key), std::move(compile));  // the latest compile wins
  }
}

const PreviousOutput::Compile* PreviousOutput::find(const std::string& object) const {
  const auto it = by_object_.find(object);
  return it == by_object_.end() ? nullptr : &it->second;
}

}  // namespace nixcc
