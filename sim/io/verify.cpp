#include "sim/io/verify.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "sim/io/h5_handle.hpp"
#include "sim/io/nc_reader.hpp"
#include "sim/io/probe.hpp"

namespace schoolsim::io {
namespace {

using h5::Handle;

/// The innermost messages of the HDF5 error stack ("data error detected by Fletcher32
/// checksum (Read failed)"), innermost first, at most three; the stack is cleared.
std::string hdf5_error() {
  std::vector<std::string> lines;
  for (const h5::ErrorEntry& e : h5::take_errors()) {
    const std::string text = e.description + (e.minor.empty() ? "" : " (" + e.minor + ")");
    if (!e.description.empty() && std::find(lines.begin(), lines.end(), text) == lines.end()) lines.push_back(text);
    if (lines.size() == 3) break;
  }
  std::string out;
  for (std::size_t k = 0; k < lines.size(); ++k) out += (k ? "; " : "") + lines[k];
  return out.empty() ? "HDF5 could not read it" : out;
}

/// Whether the dataset's filters include Fletcher-32; whether it is virtual; its chunk shape.
void describe(hid_t dataset, DatasetCheck& check, std::vector<hsize_t>& chunk, int rank) {
  Handle dcpl(H5Dget_create_plist(dataset));
  if (!dcpl.valid()) return;
  const H5D_layout_t layout = H5Pget_layout(dcpl.get());
  check.is_virtual = layout == H5D_VIRTUAL;
  if (layout == H5D_CHUNKED) {
    chunk.assign(static_cast<std::size_t>(rank), 1);
    H5Pget_chunk(dcpl.get(), rank, chunk.data());
  }
  const int n = H5Pget_nfilters(dcpl.get());
  for (int k = 0; k < n; ++k) {
    unsigned flags = 0, config = 0;
    std::size_t elements = 0;
    char name[64];
    if (H5Pget_filter2(dcpl.get(), static_cast<unsigned>(k), &flags, &elements, nullptr, sizeof name, name, &config) ==
        H5Z_FILTER_FLETCHER32)
      check.checksummed = true;
  }
}

/// Reads one dataset in slabs of whole chunks along its first axis (at most ~64 MiB each).
void read_all(hid_t dataset, DatasetCheck& check) {
  Handle space(H5Dget_space(dataset));
  Handle file_type(H5Dget_type(dataset));
  if (!space.valid() || !file_type.valid()) {
    check.error = hdf5_error();
    return;
  }
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> shape(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr);
  std::vector<hsize_t> chunk;
  describe(dataset, check, chunk, rank);

  const bool vlen_string = H5Tget_class(file_type.get()) == H5T_STRING && H5Tis_variable_str(file_type.get()) > 0;
  Handle memory_type(vlen_string ? H5Tcopy(file_type.get()) : H5Tget_native_type(file_type.get(), H5T_DIR_ASCEND));
  if (!memory_type.valid()) {
    check.error = hdf5_error();
    return;
  }
  const std::size_t element = vlen_string ? sizeof(char*) : H5Tget_size(memory_type.get());
  hsize_t total = 1;
  for (const hsize_t s : shape) total *= s;
  if (total == 0) return;

  // Rows per slab: a multiple of the chunk's first dimension (each chunk decompressed once).
  hsize_t row_elements = 1;
  for (std::size_t a = 1; a < shape.size(); ++a) row_elements *= shape[a];
  const hsize_t rows = rank == 0 ? 1 : shape[0];
  const hsize_t step0 = chunk.empty() ? 1 : std::max<hsize_t>(chunk[0], 1);
  const hsize_t budget = std::max<hsize_t>(1, (hsize_t{64} << 20) / std::max<hsize_t>(1, row_elements * element));
  const hsize_t slab_rows = rank == 0 ? 1 : std::max(step0, budget / step0 * step0);
  std::vector<unsigned char> buffer;
  for (hsize_t first = 0; first < rows; first += slab_rows) {
    const hsize_t count0 = rank == 0 ? 1 : std::min(slab_rows, rows - first);
    buffer.assign(static_cast<std::size_t>((rank == 0 ? 1 : count0 * row_elements) * element), 0);
    std::vector<hsize_t> start(shape.size(), 0), count(shape);
    if (rank > 0) start[0] = first, count[0] = count0;
    // A scalar reads whole (H5S_ALL); else the slab [first, first + count0) along axis 0.
    Handle file_space(rank > 0 ? H5Scopy(space.get()) : H5Screate(H5S_SCALAR));
    Handle memory_space(rank > 0 ? H5Screate_simple(rank, count.data(), nullptr) : H5Screate(H5S_SCALAR));
    if (!file_space.valid() || !memory_space.valid() ||
        (rank > 0 &&
         H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0)) {
      check.error = hdf5_error();
      return;
    }
    if (H5Dread(dataset, memory_type.get(), memory_space.get(), file_space.get(), H5P_DEFAULT, buffer.data()) < 0) {
      check.error = hdf5_error();
      return;
    }
    if (vlen_string) H5Dvlen_reclaim(memory_type.get(), memory_space.get(), H5P_DEFAULT, buffer.data());
    check.bytes += buffer.size();
  }
}

}  // namespace

bool VerifyReport::ok() const { return failures() == 0; }

std::size_t VerifyReport::failures() const {
  return static_cast<std::size_t>(
      std::count_if(datasets.begin(), datasets.end(), [](const DatasetCheck& d) { return !d.error.empty(); }));
}

VerifyReport verify_file(const std::filesystem::path& path) {
  // NcReader checks the file as every reader does (a regular file, an HDF5 signature) and
  // first reads all its metadata in a child process (a crash or hang there is reported as
  // damage); then each dataset is read in a child (which also checks its chunk index and
  // string checksum, io/probe.hpp) and, if that went well, here.
  const NcReader reader(path, /*probe_data=*/false);
  const h5::ErrorCapture capture;
  const hid_t file = reader.hdf5_id();
  const std::vector<std::string> names = reader.names();  // creation order (name order if not tracked)
  // First the header and open of each object here; then every dataset that opens is read in
  // a child (probe_datasets: one child for all, a new one after a crash); then, for those that
  // read back there, here.
  VerifyReport report;
  std::vector<Handle> opened;
  std::vector<std::string> to_probe;
  std::vector<std::size_t> probed_check;  // index in report.datasets of each of to_probe
  for (const auto& name : names) {
    DatasetCheck check;
    check.name = name;
    H5O_info_t info{};
    if (H5Oget_info_by_name(file, name.c_str(), &info, H5P_DEFAULT) < 0) {
      check.error = "cannot read its object header: " + hdf5_error();
      report.datasets.push_back(check);
      continue;
    }
    if (info.type != H5O_TYPE_DATASET) continue;
    Handle dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
    if (!dataset.valid()) {
      check.error = "cannot open it: " + hdf5_error();
    } else {
      to_probe.push_back(name);
      probed_check.push_back(report.datasets.size());
      opened.push_back(std::move(dataset));
    }
    report.datasets.push_back(check);
  }
  const std::vector<std::string> problems = probe_datasets(path, to_probe);
  for (std::size_t k = 0; k < to_probe.size(); ++k) {
    DatasetCheck& check = report.datasets[probed_check[k]];
    if (!problems[k].empty()) {
      std::vector<hsize_t> chunk;
      describe(opened[k].get(), check, chunk, 0);
      H5Eclear2(H5E_DEFAULT);
      check.error = problems[k];
    } else {
      read_all(opened[k].get(), check);
    }
  }
  return report;
}

}  // namespace schoolsim::io
