package io.github.kimisdk.mcp.internal.client;

import io.github.kimisdk.mcp.McpElicitation;
import io.github.kimisdk.mcp.McpProtocol;
import io.github.kimisdk.mcp.McpRoot;
import io.github.kimisdk.mcp.McpSampling;
import java.time.Duration;
import java.util.List;

/**
 * What a client's builder set that the engine reads (the builder checked each value).
 *
 * @param name the server's name as the user set it; null to take the one it gives
 * @param callTimeout how long a request waits for its answer
 * @param initializeTimeout how long the handshake may take
 * @param maxPendingRequests how many requests may wait for answers at once
 * @param sampling answers the server's requests for completions; null for none
 * @param elicitation answers the server's requests for the user's input; null for none
 * @param roots the roots shared with the server; null for none
 * @param protocolVersion the one version to speak; null to find out
 * @param protocol the generation of the protocol to speak
 * @param clientName the client's name in {@code clientInfo}
 * @param clientVersion the client's version in {@code clientInfo}
 */
public record Settings(
    String name,
    Duration callTimeout,
    Duration initializeTimeout,
    int maxPendingRequests,
    McpSampling sampling,
    McpElicitation elicitation,
    List<McpRoot> roots,
    String protocolVersion,
    McpProtocol protocol,
    String clientName,
    String clientVersion) {}
