// Parity for the rnn cell kernels: forward vs the float64 oracle, backward vs its finite
// differences, native vs js (cases in test/helpers/cell-parity.ts).
import { describeCellParity } from '../helpers/cell-parity';

describeCellParity(['rnnTanh', 'rnnRelu']);
