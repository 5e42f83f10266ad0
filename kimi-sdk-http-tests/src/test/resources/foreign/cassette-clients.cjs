// Node clients against a FakeKimiServer that records or replays a cassette (issue 67), each
// response body hashed (SHA-256) as the client received it, so that the Java test can tell the
// bytes are the same. One JSON line per result. MODE chooses what runs:
//   java: the session CassetteReplayNodeHttpTest's KimiClient recorded, sent by Node's openai
//         (a streamed chat that calls a tool, the streamed answer to its result, a Responses
//         stream, a file upload) and @anthropic-ai/sdk (a Messages stream), as those clients
//         send it: a cassette recorded in Java replays to Node;
//   ai:   the AI SDK's streamText with a tool, through its OpenAI-compatible provider;
//   tls:  one chat over HTTPS, trusting the certificate NODE_EXTRA_CA_CERTS names.
// Environment: MODE, KIMI_BASE_URL, KIMI_ANTHROPIC_BASE_URL, KIMI_KEY, UPLOAD (a file, for java).
const crypto = require("crypto");
const fs = require("fs");
const OpenAI = require("openai").default;
const { toFile } = require("openai");
const Anthropic = require("@anthropic-ai/sdk").default;
const { z } = require("zod");
const { streamText, tool, stepCountIs } = require("ai");
const { createOpenAICompatible } = require("@ai-sdk/openai-compatible");

const out = (what, value) => console.log(JSON.stringify({ what, ...value }));
const KEY = process.env.KIMI_KEY;
const BASE = process.env.KIMI_BASE_URL;
const hashes = [];

// Hands each client its response whole, and keeps the SHA-256 of the body it received (not of
// the data: URL openai's uploads probe fetch with).
async function teeFetch(url, init) {
  if (!String(url).startsWith("http")) return fetch(url, init);
  const r = await fetch(url, init);
  const body = Buffer.from(await r.arrayBuffer());
  hashes.push(crypto.createHash("sha256").update(body).digest("hex"));
  return new Response(body.length ? body : null, {
    status: r.status,
    statusText: r.statusText,
    headers: r.headers,
  });
}

const weather = {
  type: "function",
  function: {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

async function javaSession() {
  const openai = new OpenAI({ apiKey: KEY, baseURL: BASE, maxRetries: 0, fetch: teeFetch });
  const messages = [{ role: "user", content: "What is the weather in city=Paris?" }];
  const first = await openai.chat.completions.create({
    model: "kimi-k3",
    messages,
    tools: [weather],
    stream: true,
  });
  let reasoning = "";
  let content = "";
  const calls = [];
  for await (const chunk of first) {
    const d = (chunk.choices[0] && chunk.choices[0].delta) || {};
    reasoning += d.reasoning_content || "";
    content += d.content || "";
    for (const c of d.tool_calls || []) {
      const call = (calls[c.index] ||= { id: "", type: "function", function: { name: "", arguments: "" } });
      if (c.id) call.id = c.id;
      if (c.function && c.function.name) call.function.name += c.function.name;
      call.function.arguments += (c.function && c.function.arguments) || "";
    }
  }
  out("openai.called", {
    name: calls[0].function.name,
    arguments: JSON.parse(calls[0].function.arguments),
  });
  messages.push({ role: "assistant", content, reasoning_content: reasoning, tool_calls: calls });
  messages.push({ role: "tool", tool_call_id: calls[0].id, name: "get_weather", content: "sunny" });
  const second = await openai.chat.completions.create({
    model: "kimi-k3",
    messages,
    tools: [weather],
    stream: true,
  });
  let answer = "";
  for await (const chunk of second) answer += (chunk.choices[0] && chunk.choices[0].delta.content) || "";
  out("openai.answer", { text: answer });

  const anthropic = new Anthropic({
    apiKey: KEY,
    baseURL: process.env.KIMI_ANTHROPIC_BASE_URL,
    maxRetries: 0,
    fetch: teeFetch,
  });
  const events = await anthropic.messages.create({
    model: "kimi-k3",
    max_tokens: 32768,
    messages: [{ role: "user", content: "Stream over Messages" }],
    stream: true,
  });
  let text = "";
  for await (const e of events) {
    if (e.type === "content_block_delta" && e.delta.type === "text_delta") text += e.delta.text;
  }
  out("anthropic.stream", { text });

  const responses = await openai.responses.create({
    model: "kimi-k3",
    store: false,
    input: [{ type: "message", role: "user", content: "Stream over Responses" }],
    stream: true,
  });
  let said = "";
  for await (const e of responses) if (e.type === "response.output_text.delta") said += e.delta;
  out("responses.stream", { text: said });

  const file = await openai.files.create({
    file: await toFile(fs.readFileSync(process.env.UPLOAD), "notes.txt"),
    purpose: "file-extract",
  });
  out("openai.files", { id: file.id, filename: file.filename, bytes: file.bytes });
  out("java.hashes", { hashes: hashes.splice(0) });
}

async function aiSession() {
  const kimi = createOpenAICompatible({ name: "kimi", apiKey: KEY, baseURL: BASE, fetch: teeFetch });
  const cities = [];
  const result = streamText({
    model: kimi("kimi-k3"),
    tools: {
      get_weather: tool({
        description: "Weather for a city",
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => {
          cities.push(city);
          return "sunny";
        },
      }),
    },
    stopWhen: stepCountIs(3),
    maxRetries: 0,
    prompt: "get_weather city=Oslo",
    onError: ({ error }) => out("crash", { message: String((error && error.stack) || error) }),
  });
  let text = "";
  for await (const piece of result.textStream) text += piece;
  out("ai.stream", { cities, text, hashes: hashes.splice(0) });
}

async function overTls() {
  const openai = new OpenAI({ apiKey: KEY, baseURL: BASE, maxRetries: 0 });
  try {
    const r = await openai.chat.completions.create({
      model: "kimi-k3",
      messages: [{ role: "user", content: "over TLS" }],
    });
    out("tls", { text: r.choices[0].message.content });
  } catch (e) {
    let cause = e;
    while (cause.cause && !cause.code) cause = cause.cause; // openai's error, fetch's, the socket's
    out("tls", { refused: String(cause.code || cause.message || cause) });
  }
}

(async () => {
  try {
    const mode = process.env.MODE;
    if (mode === "java") await javaSession();
    else if (mode === "ai") await aiSession();
    else if (mode === "tls") await overTls();
    else throw new Error("MODE is java, ai or tls: " + mode);
    out("done", {});
  } catch (e) {
    out("crash", { message: String((e && e.stack) || e) });
  }
})();
