package org.regmail.client.demo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * James's WebAdmin REST interface on 127.0.0.1 (JDK HTTP client only): how a test or the demo
 * adds domains and users to a James running as its own process.
 */
public final class WebAdminClient {

    private final HttpClient http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    private final String base;

    public WebAdminClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** {@code PUT /domains/{domain}}. */
    public void addDomain(String domain) throws IOException, InterruptedException {
        put("/domains/" + encode(domain), "");
    }

    /** {@code PUT /users/{address}} with the password; the domain must exist. */
    public void addUser(String address, String password) throws IOException, InterruptedException {
        String json = "{\"password\":\"" + password.replace("\"", "\\\"") + "\"}";
        put("/users/" + encode(address), json);
    }

    /** {@code GET path}: the body of a 2xx answer (the extension's routes answer JSON). */
    public String get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("WebAdmin GET " + path + " answered " + response.statusCode()
                + ": " + response.body());
        }
        return response.body();
    }

    private void put(String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("WebAdmin PUT " + path + " answered " + response.statusCode()
                + ": " + response.body());
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }
}
