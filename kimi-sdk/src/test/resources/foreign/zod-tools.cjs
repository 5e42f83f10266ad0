// Tools defined the way Node teams define them, with zod, run against FakeKimiServer: the openai
// client with a schema from zod's toJSONSchema, and the AI SDK's tool() through its
// OpenAI-compatible provider, whose tools also carry zod's top-level "$schema". Each runs a tool
// call round trip (the model calls get_weather, the tool's result goes back, the model answers),
// the AI SDK's both whole and streamed; one JSON line per result for the Java test to check.
// Environment: KIMI_BASE_URL (chat completions).
const OpenAI = require("openai").default;
const { z } = require("zod");
const { generateText, streamText, tool, stepCountIs } = require("ai");
const { createOpenAICompatible } = require("@ai-sdk/openai-compatible");

const out = (what, value) => console.log(JSON.stringify({ what, ...value }));
const City = z.object({ city: z.string().describe("City name") });

async function openaiWithZod() {
  const client = new OpenAI({ apiKey: "test-key", baseURL: process.env.KIMI_BASE_URL, maxRetries: 0 });
  const parameters = z.toJSONSchema(City);
  const tools = [
    { type: "function", function: { name: "get_weather", description: "Weather for a city", parameters } },
  ];
  const messages = [{ role: "user", content: "get_weather city=Paris" }];
  const first = await client.chat.completions.create({ model: "kimi-k3", messages, tools });
  const call = first.choices[0].message.tool_calls[0];
  messages.push(first.choices[0].message);
  messages.push({ role: "tool", tool_call_id: call.id, content: "sunny" });
  const second = await client.chat.completions.create({ model: "kimi-k3", messages, tools });
  out("openai.zod", {
    schema: parameters.$schema,
    name: call.function.name,
    arguments: JSON.parse(call.function.arguments),
    answer: second.choices[0].message.content,
  });
}

function weather(cities) {
  return tool({
    description: "Weather for a city",
    inputSchema: City,
    execute: async ({ city }) => {
      cities.push(city);
      return "sunny";
    },
  });
}

async function aiSdk() {
  const sent = []; // the request bodies, to tell what the tools carried
  const kimi = createOpenAICompatible({
    name: "kimi",
    apiKey: "test-key",
    baseURL: process.env.KIMI_BASE_URL,
    fetch: async (url, init) => {
      sent.push(JSON.parse(init.body));
      return fetch(url, init);
    },
  });
  const cities = [];
  const result = await generateText({
    model: kimi("kimi-k3"),
    tools: { get_weather: weather(cities) },
    stopWhen: stepCountIs(3),
    maxRetries: 0,
    prompt: "get_weather city=Paris",
  });
  out("ai.generate", {
    schema: sent[0].tools[0].function.parameters.$schema,
    cities,
    steps: result.steps.length,
    text: result.text,
  });
  const streamed = [];
  const stream = streamText({
    model: kimi("kimi-k3"),
    tools: { get_weather: weather(streamed) },
    stopWhen: stepCountIs(3),
    maxRetries: 0,
    prompt: "get_weather city=Oslo",
    onError: ({ error }) => out("crash", { message: String((error && error.stack) || error) }),
  });
  let text = "";
  for await (const piece of stream.textStream) text += piece;
  out("ai.stream", { cities: streamed, text });
}

(async () => {
  try {
    await openaiWithZod();
    await aiSdk();
    out("done", {});
  } catch (e) {
    out("crash", { message: String((e && e.stack) || e) });
  }
})();
