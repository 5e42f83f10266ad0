// Reads the UI message streams a Java server writes with the AI SDK 7's own client code: each
// event parsed and validated by the `ai` package's chunk schema (parseJsonEventStream with
// uiMessageChunkSchema, as useChat's DefaultChatTransport does), and the chunks folded into a
// UIMessage by readUIMessageStream (which throws on a chunk out of order). For an approval, it
// answers as useChat's addToolApprovalResponse does and sends the messages back; a chat's stored
// messages are checked with validateUIMessages. One JSON line per request, then {"what":"done"}.
//
// PLAN (an environment variable): [{ "name", "url", "body", "approve": bool, "reject": bool }].
import {
  parseJsonEventStream,
  readUIMessageStream,
  uiMessageChunkSchema,
  validateUIMessages,
} from 'ai';

const plan = JSON.parse(process.env.PLAN);
const print = (o) => console.log(JSON.stringify(o));
const cut = (s) => (typeof s === 'string' && s.length > 300 ? s.slice(0, 300) + '…' : s);

function summary(message) {
  if (message == null) return null;
  return {
    id: message.id,
    role: message.role,
    metadata: message.metadata,
    parts: message.parts.map((p) => ({
      type: p.type,
      state: p.state,
      text: cut(p.text),
      textLength: typeof p.text === 'string' ? p.text.length : undefined,
      toolCallId: p.toolCallId,
      input: p.input,
      output: cut(p.output),
      outputLength: typeof p.output === 'string' ? p.output.length : undefined,
      errorText: cut(p.errorText),
      approval: p.approval == null ? undefined : { token: /^kdt1\./.test(p.approval.id), approved: p.approval.approved },
    })),
  };
}

async function read(what, response, message) {
  const body = await response.text();
  const chunks = [];
  const failures = [];
  const errors = [];
  const validated = parseJsonEventStream({
    stream: new Response(body).body,
    schema: uiMessageChunkSchema,
  }).pipeThrough(
    new TransformStream({
      transform(result, controller) {
        if (!result.success) {
          failures.push(String(result.error).slice(0, 500));
          return;
        }
        chunks.push(result.value);
        controller.enqueue(result.value);
      },
    }),
  );
  let last = message;
  try {
    for await (const m of readUIMessageStream({
      message,
      stream: validated,
      terminateOnError: true,
      onError: (e) => errors.push(String(e).slice(0, 500)),
    })) {
      last = m;
    }
  } catch (e) {
    errors.push(String(e).slice(0, 500));
  }
  print({
    what,
    status: response.status,
    header: response.headers.get('x-vercel-ai-ui-message-stream'),
    types: chunks.map((c) => c.type),
    finish: chunks.find((c) => c.type === 'finish') ?? null,
    failures,
    errors,
    done: body.trimEnd().endsWith('data: [DONE]'),
    message: summary(last),
  });
  return last;
}

async function post(url, body) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user': 'alice@example.com' },
    body: JSON.stringify(body),
  });
}

try {
  for (const step of plan) {
    const message = await read(step.name, await post(step.url, step.body));
    if (step.approve || step.reject) {
      const user = step.body.messages[step.body.messages.length - 1];
      const answered = {
        ...message,
        parts: message.parts.map((p) =>
          p.state === 'approval-requested'
            ? {
                ...p,
                state: 'approval-responded',
                approval: { ...p.approval, approved: !!step.approve, reason: step.approve ? 'checked' : 'no' },
              }
            : p,
        ),
      };
      const body = {
        id: step.body.id,
        messages: [...step.body.messages.slice(0, -1), user, answered],
        trigger: 'submit-message',
        messageId: answered.id,
      };
      await read(step.name + '-answered', await post(step.url, body), answered);
      const stored = await fetch(`${step.url}/${step.body.id}/messages`, {
        headers: { 'x-user': 'alice@example.com' },
      });
      const messages = await stored.json();
      let valid = true;
      let problem = null;
      try {
        await validateUIMessages({ messages });
      } catch (e) {
        valid = false;
        problem = String(e).slice(0, 500);
      }
      print({
        what: step.name + '-messages',
        status: stored.status,
        valid,
        problem,
        messages: messages.map(summary),
      });
      const again = await fetch(`${step.url}/${step.body.id}/stream`, {
        headers: { 'x-user': 'alice@example.com' },
      });
      await read(step.name + '-resumed', again, undefined);
    }
  }
  print({ what: 'done' });
} catch (e) {
  print({ what: 'crash', error: String(e && e.stack ? e.stack : e).slice(0, 2000) });
}
