#pragma once
// Cutting translation units into batches: balanced by expected cost, and stable under edits.

#include <map>
#include <string>
#include <vector>

namespace nixcc::plan {

struct CostedUnit {
  std::string key;
  double cost = 0;  // expected seconds
};

/// Batch name -> member keys.
using Partition = std::map<std::string, std::vector<std::string>>;

/// A fresh partition into `batches` batches named b0, b1, ...: longest-processing-time first, each
/// unit to the batch with the least expected time so far (ties: the lower number).
Partition balanced_partition(const std::vector<CostedUnit>& units, int batches);

/// The previous partition carried forward: every unit that is still there stays in its batch, removed
/// units leave theirs, a batch left empty disappears, and each new unit joins the batch with the least
/// expected time. So one added, removed or edited unit changes the membership of at most one batch.
Partition carry_forward(const Partition& previous, const std::vector<CostedUnit>& units);

/// One batch per unit, named "f-" + a hash of its key, so names never shift (--per-file).
Partition per_file_partition(const std::vector<CostedUnit>& units);

/// Expected seconds of each batch.
std::map<std::string, double> batch_costs(const Partition& partition, const std::vector<CostedUnit>& units);

}  // namespace nixcc::plan
