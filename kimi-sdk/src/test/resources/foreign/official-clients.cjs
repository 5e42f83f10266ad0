// Runs the official OpenAI and Anthropic Node clients against FakeKimiServer: a chat, a stream, a
// tool call and an error with each, with OpenAI's a tool round trip with content as text parts and
// the same over its Responses API (stateless: store false, the whole input each time), printing
// one JSON line per result for the Java test to check.
// Environment: KIMI_BASE_URL (chat completions) and KIMI_ANTHROPIC_BASE_URL (Messages).
const OpenAI = require("openai").default;
const Anthropic = require("@anthropic-ai/sdk").default;

const out = (what, value) => console.log(JSON.stringify({ what, ...value }));
const weather = {
  name: "get_weather",
  description: "Weather for a city",
  schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

async function openai() {
  const client = new OpenAI({ apiKey: "test-key", baseURL: process.env.KIMI_BASE_URL, maxRetries: 0 });
  const chat = await client.chat.completions.create({
    model: "kimi-k3",
    messages: [{ role: "user", content: "Hello from openai" }],
  });
  out("openai.chat", {
    id: chat.id,
    text: chat.choices[0].message.content,
    reasoning: chat.choices[0].message.reasoning_content,
    prompt: chat.usage.prompt_tokens,
  });
  let text = "";
  const stream = await client.chat.completions.create({
    model: "kimi-k2.6",
    messages: [{ role: "user", content: "Stream please" }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.choices.length > 0 && chunk.choices[0].delta.content) {
      text += chunk.choices[0].delta.content;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  out("openai.stream", { text, total: usage && usage.total_tokens });
  const tools = [
    {
      type: "function",
      function: { name: weather.name, description: weather.description, parameters: weather.schema },
    },
  ];
  const messages = [{ role: "user", content: "get_weather city=Paris" }];
  const first = await client.chat.completions.create({ model: "kimi-k3", messages, tools });
  const call = first.choices[0].message.tool_calls[0];
  messages.push(first.choices[0].message); // reasoning_content rides along, as Kimi needs
  // the tool message as the client's types have it: no name
  messages.push({ role: "tool", tool_call_id: call.id, content: "sunny" });
  const second = await client.chat.completions.create({ model: "kimi-k3", messages, tools });
  out("openai.tools", {
    finish: first.choices[0].finish_reason,
    name: call.function.name,
    arguments: JSON.parse(call.function.arguments),
    answer: second.choices[0].message.content,
  });
  // system, user and tool content as text parts, the tool message again without a name
  const parts = [
    { role: "system", content: [{ type: "text", text: "Answer briefly." }] },
    {
      role: "user",
      content: [
        { type: "text", text: "get_weather " },
        { type: "text", text: "city=Rome" },
      ],
    },
  ];
  const asked = await client.chat.completions
    .create({ model: "kimi-k3", messages: parts, tools })
    .withResponse();
  const partsCall = asked.data.choices[0].message.tool_calls[0];
  parts.push(asked.data.choices[0].message);
  parts.push({ role: "tool", tool_call_id: partsCall.id, content: [{ type: "text", text: "cloudy" }] });
  const answered = await client.chat.completions
    .create({ model: "kimi-k3", messages: parts, tools })
    .withResponse();
  out("openai.parts", {
    statuses: [asked.response.status, answered.response.status],
    arguments: JSON.parse(partsCall.function.arguments),
    answer: answered.data.choices[0].message.content,
  });
  try {
    await client.chat.completions.create({
      model: "kimi-k9",
      messages: [{ role: "user", content: "x" }],
    });
    out("openai.error", { error: "none" });
  } catch (e) {
    out("openai.error", {
      notFound: e instanceof OpenAI.NotFoundError,
      status: e.status,
      type: e.type ?? (e.error && e.error.type),
    });
  }
}

async function responses() {
  const client = new OpenAI({ apiKey: "test-key", baseURL: process.env.KIMI_BASE_URL, maxRetries: 0 });
  const r = await client.responses.create({ model: "kimi-k3", input: "Hello from responses", store: false });
  const reasoning = r.output.find((i) => i.type === "reasoning");
  out("responses.create", {
    id: r.id,
    status: r.status,
    text: r.output_text,
    reasoning: reasoning ? reasoning.summary.map((p) => p.text).join("") : null,
    input: r.usage.input_tokens,
  });
  const events = await client.responses.create({
    model: "kimi-k2.6",
    input: "Stream please",
    store: false,
    stream: true,
  });
  let text = "";
  let total = null;
  for await (const e of events) {
    if (e.type === "response.output_text.delta") text += e.delta;
    if (e.type === "response.completed") total = e.response.usage.total_tokens;
  }
  out("responses.stream", { text, total });
  const tools = [
    { type: "function", name: weather.name, description: weather.description, parameters: weather.schema, strict: false },
  ];
  const input = [{ role: "user", content: "get_weather city=Paris" }];
  const first = await client.responses.create({ model: "kimi-k3", input, tools, store: false });
  const call = first.output.find((i) => i.type === "function_call");
  input.push(...first.output); // the reasoning item rides along, as Kimi needs
  input.push({ type: "function_call_output", call_id: call.call_id, output: "sunny" });
  const second = await client.responses.create({ model: "kimi-k3", input, tools, store: false });
  out("responses.tools", {
    name: call.name,
    arguments: JSON.parse(call.arguments),
    answer: second.output_text,
  });
  try {
    await client.responses.create({ model: "kimi-k3", input: "x", store: true });
    out("responses.error", { error: "none" });
  } catch (e) {
    out("responses.error", {
      badRequest: e instanceof OpenAI.BadRequestError,
      status: e.status,
      type: e.type ?? (e.error && e.error.type),
    });
  }
}

async function anthropic() {
  const client = new Anthropic({
    apiKey: "test-key",
    baseURL: process.env.KIMI_ANTHROPIC_BASE_URL,
    maxRetries: 0,
  });
  const msg = await client.messages.create({
    model: "kimi-k3",
    max_tokens: 1024,
    system: [{ type: "text", text: "Answer briefly." }], // the system prompt as text blocks
    messages: [{ role: "user", content: [{ type: "text", text: "Hello from anthropic" }] }],
  });
  out("anthropic.chat", {
    id: msg.id,
    blocks: msg.content.map((b) => b.type),
    text: msg.content.filter((b) => b.type === "text").map((b) => b.text).join(""),
    input: msg.usage.input_tokens,
  });
  let streamed = "";
  let startInput = null;
  const stream = client.messages.stream({
    model: "kimi-k3",
    max_tokens: 1024,
    messages: [{ role: "user", content: "Stream please" }],
  });
  stream.on("streamEvent", (e) => {
    if (e.type === "message_start") startInput = e.message.usage.input_tokens;
  });
  stream.on("text", (t) => (streamed += t));
  const final = await stream.finalMessage();
  out("anthropic.stream", { text: streamed, startInput, stop: final.stop_reason, id: final.id });
  const tools = [{ name: weather.name, description: weather.description, input_schema: weather.schema }];
  const messages = [{ role: "user", content: "get_weather city=Paris" }];
  const first = await client.messages.create({ model: "kimi-k3", max_tokens: 1024, messages, tools });
  const use = first.content.find((b) => b.type === "tool_use");
  messages.push({ role: "assistant", content: first.content }); // thinking block and signature back
  messages.push({
    role: "user",
    content: [{ type: "tool_result", tool_use_id: use.id, content: "sunny" }],
  });
  const second = await client.messages.create({ model: "kimi-k3", max_tokens: 1024, messages, tools });
  out("anthropic.tools", {
    stop: first.stop_reason,
    name: use.name,
    input: use.input,
    answer: second.content.filter((b) => b.type === "text").map((b) => b.text).join(""),
  });
  try {
    await client.messages.create({
      model: "kimi-k9",
      max_tokens: 16,
      messages: [{ role: "user", content: "x" }],
    });
    out("anthropic.error", { error: "none" });
  } catch (e) {
    out("anthropic.error", {
      notFound: e instanceof Anthropic.NotFoundError,
      status: e.status,
      type: e.error && e.error.error && e.error.error.type,
    });
  }
}

(async () => {
  await openai();
  await responses();
  await anthropic();
  out("done", {});
})().catch((e) => {
  console.log(JSON.stringify({ what: "crash", message: String(e && e.stack ? e.stack : e) }));
  process.exit(1);
});
