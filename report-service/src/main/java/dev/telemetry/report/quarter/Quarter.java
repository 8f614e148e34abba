package dev.telemetry.report.quarter;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A calendar quarter in UTC, written {@code 2026-Q3}. Events are attributed to quarters by their timestamp. */
public record Quarter(int year, int number) implements Comparable<Quarter> {

    private static final Pattern TEXT = Pattern.compile("(\\d{4})-Q([1-4])");

    public Quarter {
        if (year < 1970 || year > 9999 || number < 1 || number > 4) {
            throw new IllegalArgumentException("no such quarter");
        }
    }

    public static Optional<Quarter> parse(String text) {
        Matcher matcher = text == null ? null : TEXT.matcher(text);
        if (matcher == null || !matcher.matches()) {
            return Optional.empty();
        }
        int year = Integer.parseInt(matcher.group(1));
        return year < 1970 ? Optional.empty() : Optional.of(new Quarter(year, Integer.parseInt(matcher.group(2))));
    }

    public static Quarter of(Instant instant) {
        LocalDate date = utcDate(instant);
        return new Quarter(date.getYear(), (date.getMonthValue() - 1) / 3 + 1);
    }

    /** The UTC date of an instant, by arithmetic: asked for every counted event, without a zone's rules. */
    public static LocalDate utcDate(Instant instant) {
        return LocalDate.ofEpochDay(Math.floorDiv(instant.getEpochSecond(), 86_400));
    }

    public Instant start() {
        return LocalDate.of(year, (number - 1) * 3 + 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Exclusive. */
    public Instant end() {
        return number == 4 ? new Quarter(year + 1, 1).start() : new Quarter(year, number + 1).start();
    }

    public Quarter previous() {
        return number == 1 ? new Quarter(year - 1, 4) : new Quarter(year, number - 1);
    }

    public boolean hasEndedAt(Instant now) {
        return !now.isBefore(end());
    }

    @Override
    public int compareTo(Quarter other) {
        return year != other.year ? Integer.compare(year, other.year) : Integer.compare(number, other.number);
    }

    @Override
    public String toString() {
        return year + "-Q" + number;
    }
}
