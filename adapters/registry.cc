#include "adapters/registry.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/capstone/capstone_decoder.h"
#include "adapters/zydis/zydis_decoder.h"

namespace x86diff {
namespace {

// Adapts each concrete Create() to one factory signature.
template <typename T>
absl::StatusOr<std::unique_ptr<Decoder>> Make() {
  absl::StatusOr<std::unique_ptr<T>> decoder = T::Create();
  if (!decoder.ok()) return decoder.status();
  return std::unique_ptr<Decoder>(std::move(*decoder));
}

struct DecoderEntry {
  absl::string_view name;
  absl::StatusOr<std::unique_ptr<Decoder>> (*make)();
};

// Canonical order: the order of outcomes, and so of pairwise comparisons, in every report.
constexpr DecoderEntry kDecoders[] = {
    {"capstone", &Make<CapstoneDecoder>},
    {"zydis", &Make<ZydisDecoder>},
};

const DecoderEntry* FindDecoder(absl::string_view name) {
  for (const DecoderEntry& entry : kDecoders) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<Decoder>> MakeOne(const DecoderEntry& entry) {
  absl::StatusOr<std::unique_ptr<Decoder>> decoder = entry.make();
  if (!decoder.ok()) {
    return absl::Status(decoder.status().code(),
                        absl::StrCat(entry.name, ": ", decoder.status().message()));
  }
  return decoder;
}

}  // namespace

std::vector<std::string> AvailableDecoderNames() {
  std::vector<std::string> names;
  for (const DecoderEntry& entry : kDecoders) names.emplace_back(entry.name);
  return names;
}

absl::StatusOr<std::vector<std::unique_ptr<Decoder>>> MakeDecoders(
    absl::Span<const std::string> names) {
  std::vector<const DecoderEntry*> entries;
  if (names.empty()) {
    for (const DecoderEntry& entry : kDecoders) entries.push_back(&entry);
  } else {
    for (const std::string& name : names) {
      const DecoderEntry* entry = FindDecoder(name);
      if (entry == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("unknown decoder \"", name,
                         "\"; known decoders: ", absl::StrJoin(AvailableDecoderNames(), ", ")));
      }
      // A repeated decoder would only compare with itself and double every divergence count.
      if (std::find(entries.begin(), entries.end(), entry) != entries.end()) {
        return absl::InvalidArgumentError(absl::StrCat("decoder \"", name, "\" named twice"));
      }
      entries.push_back(entry);
    }
  }
  std::vector<std::unique_ptr<Decoder>> decoders;
  decoders.reserve(entries.size());
  for (const DecoderEntry* entry : entries) {
    absl::StatusOr<std::unique_ptr<Decoder>> decoder = MakeOne(*entry);
    if (!decoder.ok()) return decoder.status();
    decoders.push_back(std::move(*decoder));
  }
  return decoders;
}

}  // namespace x86diff
