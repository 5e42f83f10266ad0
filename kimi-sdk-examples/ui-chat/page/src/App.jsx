import { useEffect, useState } from 'react';
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai';

// The chat's id lives in the page's address (?chat=...), so that a reload, or a second tab opened
// on the same address, shows the same chat: the Java server keeps it (its runs are the truth).
function chatId() {
  const url = new URL(window.location.href);
  let id = url.searchParams.get('chat');
  if (!id) {
    id = 'chat-' + crypto.randomUUID().slice(0, 13);
    url.searchParams.set('chat', id);
    window.history.replaceState(null, '', url);
  }
  return id;
}

export default function App() {
  const [id] = useState(chatId);
  const [initial, setInitial] = useState(null);
  const [problem, setProblem] = useState(null);
  useEffect(() => {
    // the chat as the server's runs hold it: a paused run's pending call comes back after a reload
    fetch(`/api/chat/${id}/messages`)
      .then(async (r) => {
        if (!r.ok) throw new Error((await r.json()).error);
        return r.json();
      })
      .then(setInitial, (e) => setProblem(String(e.message ?? e)));
  }, [id]);
  if (problem) return <p role="alert">{problem}</p>;
  if (initial == null) return <p>Loading the chat…</p>;
  return <Chat id={id} initial={initial} />;
}

function Chat({ id, initial }) {
  const { messages, sendMessage, status, error, addToolApprovalResponse, clearError } = useChat({
    id,
    messages: initial,
    resume: true, // a reply still being made comes back, whole, after a reload
    transport: new DefaultChatTransport({ api: '/api/chat' }),
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
  });
  const [input, setInput] = useState('');
  const busy = status === 'submitted' || status === 'streaming';
  return (
    <main>
      <header>
        <h1>Payments desk</h1>
        <Payments />
      </header>
      <ol className="messages" data-testid="messages">
        {messages.map((m) => (
          <Message key={m.id} message={m} onAnswer={addToolApprovalResponse} />
        ))}
      </ol>
      {error && (
        <p role="alert" data-testid="error">
          {error.message} <button onClick={clearError}>Dismiss</button>
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (input.trim() && !busy) {
            sendMessage({ text: input });
            setInput('');
          }
        }}
      >
        <input
          aria-label="Message"
          placeholder="Please transfer to=acct-7 amount=90"
          value={input}
          onChange={(e) => setInput(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          Send
        </button>
      </form>
      <p className="status" data-testid="status">
        {status}
      </p>
    </main>
  );
}

function Message({ message, onAnswer }) {
  const meta = message.metadata;
  return (
    <li className={message.role} data-role={message.role}>
      {message.parts.map((part, i) => (
        <Part key={i} part={part} onAnswer={onAnswer} />
      ))}
      {meta?.usage && (
        <small className="usage" data-testid="usage">
          {meta.usage.totalTokens} tokens
          {meta.cost ? `, ${meta.cost.amount} ${meta.cost.currency}` : ''}
          {meta.limit ? `, stopped by its ${meta.limit} limit` : ''}
        </small>
      )}
    </li>
  );
}

function Part({ part, onAnswer }) {
  switch (part.type) {
    case 'text':
      return <p data-testid="text">{part.text}</p>;
    case 'reasoning':
      return (
        <details data-testid="reasoning" open>
          <summary>Reasoning</summary>
          <p>{part.text}</p>
        </details>
      );
    case 'tool-transfer':
      return <Transfer part={part} onAnswer={onAnswer} />;
    default:
      return part.type.startsWith('tool-') ? (
        <p className="tool">
          {part.type.slice(5)}: {part.state}
        </p>
      ) : null;
  }
}

function Transfer({ part, onAnswer }) {
  const { input, state } = part;
  return (
    <div className="transfer" data-testid="transfer" data-state={state}>
      <p>
        Transfer <b>{input?.amount}</b> to <b>{input?.to}</b>
      </p>
      {state === 'approval-requested' && (
        <p>
          <span>{part.approval.requestReason || 'This transfer waits for your approval.'} </span>
          <button onClick={() => onAnswer({ id: part.approval.id, approved: true })}>Approve</button>
          <button
            onClick={() =>
              onAnswer({ id: part.approval.id, approved: false, reason: 'rejected in the page' })
            }
          >
            Reject
          </button>
        </p>
      )}
      {state === 'approval-responded' && <p>Your answer is on its way…</p>}
      {state === 'output-available' && <p data-testid="result">{String(part.output)}</p>}
      {state === 'output-denied' && <p data-testid="result">Rejected: nothing was paid.</p>}
      {state === 'output-error' && <p data-testid="result">{part.errorText}</p>}
    </div>
  );
}

// What the payment service did: the transfers it made, from the Java server.
function Payments() {
  const [made, setMade] = useState(null);
  useEffect(() => {
    const load = () =>
      fetch('/api/payments')
        .then((r) => r.json())
        .then((p) => setMade(p.transfers.length), () => {});
    load();
    const timer = setInterval(load, 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <p className="payments" data-testid="payments">
      Transfers made: {made ?? '…'}
    </p>
  );
}
