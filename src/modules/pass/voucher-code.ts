/**
 * Codes of the « Pass numérique » chèques: 9 random symbols then 1 check symbol, e.g.
 * `K7MC3PX4TF`, displayed as `K7MC-3PX4-TF`. The alphabet, the check symbol and why they catch
 * typos: src/platform/codes/check-code.ts.
 */
import { CODE_ALPHABET, createCodeScheme, type ParsedCode } from '../../platform/codes/check-code.ts';

export { CODE_ALPHABET, type ParsedCode };

const voucherCodes = createCodeScheme({
  payloadLength: 9,
  groupSize: 4,
  words: { theCode: 'Le code du chèque', where: 'sur le chèque', compareWith: 'au chèque' },
});

export const PAYLOAD_LENGTH = voucherCodes.payloadLength;
export const CODE_LENGTH = voucherCodes.length;
export const checkSymbol = voucherCodes.checkSymbol;
export const entropyBits = voucherCodes.entropyBits;
export const generateVoucherCode = voucherCodes.generate;
export const formatVoucherCode = voucherCodes.format;
export const parseVoucherCode = voucherCodes.parse;
