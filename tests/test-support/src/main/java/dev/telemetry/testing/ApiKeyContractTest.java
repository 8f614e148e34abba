package dev.telemetry.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The API-key matrix every service must pass on one of its protected endpoints: anything but a valid,
 * unrevoked key from the trusted issuer for this audience is 401; a valid key without the group is 403.
 */
public abstract class ApiKeyContractTest {

    /** Sends a request, which succeeds with the right key, to a protected endpoint. */
    protected abstract Response call(RequestSpecification request);

    protected abstract String requiredGroup();

    protected abstract String otherGroup();

    static Stream<Arguments> refusedKeys() {
        return Stream.of(
                Arguments.of("malformed", (Function<String, String>) group -> "not-a-jwt"),
                Arguments.of("bad signature", (Function<String, String>) TestApiKeys::badSignature),
                Arguments.of("alg none", (Function<String, String>) TestApiKeys::unsigned),
                Arguments.of("HS256 with the public key", (Function<String, String>) TestApiKeys::hmacWithPublicKey),
                Arguments.of("expired", (Function<String, String>) TestApiKeys::expired),
                Arguments.of("wrong issuer", (Function<String, String>) TestApiKeys::wrongIssuer),
                Arguments.of("wrong audience", (Function<String, String>) TestApiKeys::wrongAudience),
                Arguments.of("revoked", (Function<String, String>) TestApiKeys::revoked));
    }

    @Test
    void requestWithoutKeyIsUnauthorized() {
        call(given()).then()
                .statusCode(401)
                .contentType(equalTo("application/problem+json"))
                .header("WWW-Authenticate", "Bearer")
                .body("type", equalTo("urn:telemetry:problem:unauthorized"));
    }

    @ParameterizedTest(name = "{0} key is unauthorized")
    @MethodSource("refusedKeys")
    void refusedKeyIsUnauthorized(String kind, Function<String, String> key) {
        call(given().auth().oauth2(key.apply(requiredGroup()))).then()
                .statusCode(401)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("urn:telemetry:problem:unauthorized"));
    }

    @Test
    void validKeyWithoutTheGroupIsForbidden() {
        call(given().auth().oauth2(TestApiKeys.withGroup(otherGroup()))).then()
                .statusCode(403)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("urn:telemetry:problem:forbidden"));
    }

    @Test
    void validKeyWithTheGroupIsAccepted() {
        int status = call(given().auth().oauth2(TestApiKeys.withGroup(requiredGroup()))).statusCode();
        assertThat(status).isBetween(200, 299);
    }
}
