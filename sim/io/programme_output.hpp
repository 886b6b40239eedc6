#pragma once
// The programme accounts of a run in its file (docs/output_format.md, "Programmes").
#include "sim/io/nc_writer.hpp"
#include "sim/run/programme_accounting.hpp"

namespace schoolsim::io {

/// Adds the `programme` and `programme_event` dimensions, `programme_budget`,
/// `programme_spending(term, programme)` and the programme event table. The `term`
/// dimension must exist with as many terms as `account` observed.
void write_programme_accounts(NcWriter& f, const ProgrammeAccount& account);

}  // namespace schoolsim::io
