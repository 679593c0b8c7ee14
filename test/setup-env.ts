// Unit tests check what constructs render; the checker that runs at synth (lib/checker.ts) would also fail charts
// that are deliberately incomplete (a DefaultDeny without DNS, say). It is off here unless a test turns it on with
// Checker.configure(); test/checker.test.ts and the examples tests do.
process.env.CDK8S_NETPOL_CHECK = 'off';
process.env.CDK8S_NETPOL_REPORT = 'off';
