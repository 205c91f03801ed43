// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.29;

/// @title CalendarDay
/// @notice Calendar arithmetic on day numbers (days since 1970-01-01), so the chain counts "one year" and
/// "six months" exactly as the rules and the API do, not as a fixed number of seconds.
/// @dev Conversions follow Howard Hinnant's `days_from_civil` / `civil_from_days` (public domain), restricted to
/// days ≥ 0. Adding months clamps to the last day of the target month (2024-02-29 + 12 months = 2025-02-28).
library CalendarDay {
    /// @notice China Standard Time, the consortium's calendar.
    uint256 internal constant UTC_OFFSET = 8 hours;

    /// @notice The day number of a timestamp in China Standard Time.
    function fromTimestamp(uint256 timestamp) internal pure returns (uint32) {
        return uint32((timestamp + UTC_OFFSET) / 1 days);
    }

    /// @notice `day` plus `months` calendar months, clamped to the end of the month.
    function addMonths(uint32 day, uint256 months) internal pure returns (uint32) {
        (uint256 year, uint256 month, uint256 dayOfMonth) = toCivil(day);
        uint256 monthIndex = year * 12 + (month - 1) + months;
        year = monthIndex / 12;
        month = (monthIndex % 12) + 1;
        uint256 lastDay = daysInMonth(year, month);
        return fromCivil(year, month, dayOfMonth < lastDay ? dayOfMonth : lastDay);
    }

    /// @notice The civil date (year, month 1–12, day 1–31) of a day number.
    function toCivil(uint32 day) internal pure returns (uint256 year, uint256 month, uint256 dayOfMonth) {
        unchecked {
            uint256 z = uint256(day) + 719468;
            uint256 era = z / 146097;
            uint256 doe = z - era * 146097;
            uint256 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
            uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            uint256 mp = (5 * doy + 2) / 153;
            dayOfMonth = doy - (153 * mp + 2) / 5 + 1;
            month = mp < 10 ? mp + 3 : mp - 9;
            year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        }
    }

    /// @notice The day number of a civil date from 1970-01-01 on.
    function fromCivil(uint256 year, uint256 month, uint256 dayOfMonth) internal pure returns (uint32) {
        unchecked {
            uint256 y = month <= 2 ? year - 1 : year;
            uint256 era = y / 400;
            uint256 yoe = y - era * 400;
            uint256 doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + dayOfMonth - 1;
            uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            return uint32(era * 146097 + doe - 719468);
        }
    }

    /// @notice The number of days in a month of the Gregorian calendar.
    function daysInMonth(uint256 year, uint256 month) internal pure returns (uint256) {
        if (month == 2) {
            bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            return leap ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }
}
