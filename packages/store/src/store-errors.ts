import { ClickHouseError } from '@clickhouse/client';

/**
 * ClickHouse error codes that mean "this data cannot be stored", whatever the retry: the same rows
 * would be refused again. Everything else (network, memory, timeouts, a restarting engine) is
 * transient and retried. https://github.com/ClickHouse/ClickHouse/blob/master/src/Common/ErrorCodes.cpp
 */
const DATA_REFUSED_CODES = new Set([
  '6', // CANNOT_PARSE_TEXT
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '53', // TYPE_MISMATCH
  '69', // ARGUMENT_OUT_OF_BOUND
  '72', // CANNOT_PARSE_NUMBER
  '117', // INCORRECT_DATA
  '131', // TOO_LARGE_STRING_SIZE
  '321', // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  '469', // VIOLATED_CONSTRAINT
]);

/** The store refused the data itself: retrying the same rows cannot succeed. */
export function isDataRefused(error: unknown): boolean {
  return error instanceof ClickHouseError && DATA_REFUSED_CODES.has(error.code);
}
