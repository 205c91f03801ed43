// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.29;

import {CalendarDay} from "../libraries/CalendarDay.sol";

/// @title CalendarDayHarness
/// @notice Test-only: exposes the internal functions of {CalendarDay} so tests can call them directly.
contract CalendarDayHarness {
    function addMonths(uint32 day, uint256 months) external pure returns (uint32) {
        return CalendarDay.addMonths(day, months);
    }

    function toCivil(uint32 day) external pure returns (uint256 year, uint256 month, uint256 dayOfMonth) {
        return CalendarDay.toCivil(day);
    }

    function fromCivil(uint256 year, uint256 month, uint256 dayOfMonth) external pure returns (uint32) {
        return CalendarDay.fromCivil(year, month, dayOfMonth);
    }

    function fromTimestamp(uint256 timestamp) external pure returns (uint32) {
        return CalendarDay.fromTimestamp(timestamp);
    }

    function daysInMonth(uint256 year, uint256 month) external pure returns (uint256) {
        return CalendarDay.daysInMonth(year, month);
    }
}
