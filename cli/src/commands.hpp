#pragma once

#include "args.hpp"

namespace ykm::cli {

// Each command parses its own arguments, does its work, and returns the exit code.
// Bad input throws ykm::Error (exit 2); main() maps other exceptions to exit 1.
int run_info(Args& args);
int run_import(Args& args);
int run_add_layer(Args& args);
int run_export(Args& args);
int run_demo_town(Args& args);
int run_render(Args& args);
int run_fleet(Args& args);
int run_serve(Args& args);
int run_track(Args& args);
int run_simulate(Args& args);
int run_coverage(Args& args);
int run_carp(Args& args);
int run_plan(Args& args);
int run_audit(Args& args);
int run_user(Args& args);
int run_order(Args& args);
int run_snow(Args& args);
int run_report(Args& args);
int run_fees(Args& args);
int run_replay(Args& args);
// `ykm order propose` (dispatch standards), called by run_order.
int run_order_propose(Args& args);
// `ykm plan sheet` and `ykm plan gpx` (driver sheets), called by run_plan.
int run_plan_sheet(Args& args);
int run_plan_gpx(Args& args);
// `ykm order sheet`, `ykm order attachments` and `ykm order attachment`, called by run_order.
int run_order_sheet(Args& args);
int run_order_attachments(Args& args);
int run_order_attachment(Args& args);
// `ykm report storm` (storm KPIs), called by run_report.
int run_report_storm(Args& args);
// `ykm report confirm` and `ykm report confirmations` (confirmed daily reports), called by
// run_report.
int run_report_confirm(Args& args);
int run_report_confirmations(Args& args);

// `ykm report fees` and `ykm report gap confirm|unconfirm` (cmd_fees.cpp), called by run_report.
int run_report_fees(Args& args);
int run_report_gap(Args& args);

} // namespace ykm::cli
