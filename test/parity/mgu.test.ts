// Parity for the mgu cell kernels: forward vs the float64 oracle, backward vs its finite
// differences, native vs js (cases in test/helpers/cell-parity.ts); the sequence kernels
// against T step calls (test/helpers/sequence-parity.ts).
import { describeCellParity } from '../helpers/cell-parity';
import { describeSequenceParity } from '../helpers/sequence-parity';

describeCellParity(['mgu']);
describeSequenceParity(['mgu']);
