package dev.telemetry.consent.ledger;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Body of {@code PUT /v1/consent}. Values are tightly bounded: nothing free-form can be recorded.
 */
public record ConsentRequest(
        @NotNull Boolean optIn,
        @NotNull @Pattern(regexp = OS, message = "must be a lowercase OS name such as linux, darwin or windows") String os,
        @NotNull @Pattern(regexp = BUILD, message = "must be a build identifier such as 0.0.1234") String build,
        @NotNull @Pattern(regexp = "prompt|toggle", message = "must be prompt or toggle") String source) {

    static final String OS = "[a-z][a-z0-9_]{0,31}";
    static final String BUILD = "[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}";

}
