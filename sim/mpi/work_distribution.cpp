#include "sim/mpi/work_distribution.hpp"

#include <algorithm>
#include <stdexcept>

namespace schoolsim::mpi {

WorkDistributor::WorkDistributor(std::vector<std::int64_t> pending, int ranks)
    : pending_(std::move(pending)), ranks_(ranks) {
  if (ranks < 1) throw std::invalid_argument("WorkDistributor: ranks must be >= 1");
  if (!std::is_sorted(pending_.begin(), pending_.end()))
    throw std::invalid_argument("WorkDistributor: pending runs must be ascending");
}

std::int64_t WorkDistributor::batch_size(std::int64_t want) const {
  const std::int64_t left = this->left();
  const std::int64_t guided = (left + 2 * ranks_ - 1) / (2 * static_cast<std::int64_t>(ranks_));
  return std::min(left, std::max<std::int64_t>({want, guided, 1}));
}

std::vector<std::int64_t> WorkDistributor::next(std::int64_t want) {
  const auto n = static_cast<std::size_t>(batch_size(want));
  std::vector<std::int64_t> out(pending_.begin() + static_cast<std::ptrdiff_t>(next_),
                                pending_.begin() + static_cast<std::ptrdiff_t>(next_ + n));
  next_ += n;
  return out;
}

}  // namespace schoolsim::mpi
