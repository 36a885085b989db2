import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A chat model for tests and the offline demo: the OpenAI chat-completions API as n8n's OpenAI Chat
 * Model node (lmChatOpenAi 1.2, LangChain's ChatOpenAI on the openai SDK) calls it, on 127.0.0.1.
 * The node takes the base URL from its credential (`url`, e.g. http://127.0.0.1:PORT/v1) and sends
 * `POST <base>/chat/completions` with `Authorization: Bearer <apiKey>`, the conversation so far and
 * the tools the agent offers; it asks for a stream (`stream: true`, server-sent events) when the
 * agent streams to a chat, otherwise for one JSON answer. The editor lists models with
 * `GET <base>/models` when the model picker opens.
 *
 * No model runs here. Each turn is scripted: a conversation whose last message is the user's is
 * answered with a call of the script's tool with the script's arguments; once the request carries
 * the tool's result (a `tool` message), the final answer is the script's `answer` of that result.
 * Every request is recorded, so a test can assert what the agent sent and what the tool returned.
 */

export interface ChatScript {
	/** Which conversation this script answers: a test on the user's last message (default: any). */
	when?: RegExp;
	/** The tool to call, by the name the agent offers it (n8n: the tool node's name, `_` for spaces). */
	tool: string;
	/** The arguments the "model" chose (the tool node's `$fromAI` keys), or how it reads them from the question. */
	arguments: Record<string, unknown> | ((question: string) => Record<string, unknown>);
	/** The final answer, from the tool result as the agent sent it back (a JSON text in n8n). */
	answer: (toolResult: string) => string;
}

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ChatRequestBody {
	model?: string;
	stream?: boolean;
	messages?: ChatMessage[];
	tools?: Array<{
		type: string;
		function: { name: string; description?: string; parameters?: unknown };
	}>;
}

export interface RecordedChatRequest {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	body: ChatRequestBody | undefined;
}

export interface OpenAiEmulatorOptions {
	/** The API key the credential must send (any other answers 401 as OpenAI does). */
	apiKey?: string;
	/** The scripted conversations, tried in order against the user's last message. */
	scripts?: ChatScript[];
	/** Said when no script matches the user's message. */
	fallbackAnswer?: string;
	/** Listen on this port (default: a free one). */
	port?: number;
}

export interface OpenAiEmulator {
	/** The base URL a credential's `url` takes: `http://127.0.0.1:PORT/v1`. */
	baseUrl: string;
	apiKey: string;
	requests: RecordedChatRequest[];
	/** Only the chat-completions requests, in order. */
	completions(): RecordedChatRequest[];
	setScripts(scripts: ChatScript[]): void;
	stop(): Promise<void>;
}

export const EMULATED_MODEL = 'gpt-4o-mini';

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : ''))
			.join('');
	}
	return '';
}

/** The assistant's next message: a tool call, or a final text built from the tool's result. */
export function nextTurn(
	body: ChatRequestBody,
	scripts: ChatScript[],
	fallbackAnswer: string,
): { content: string | null; toolCall?: { id: string; name: string; arguments: string } } {
	const messages = body.messages ?? [];
	const lastUser = [...messages].reverse().find((message) => message.role === 'user');
	const question = textOf(lastUser?.content);
	const script = scripts.find((candidate) => !candidate.when || candidate.when.test(question));
	if (!script) return { content: fallbackAnswer };
	const last = messages[messages.length - 1];
	if (last?.role === 'tool') return { content: script.answer(textOf(last.content)) };
	const offered = (body.tools ?? []).map((tool) => tool.function.name);
	if (!offered.includes(script.tool)) {
		return {
			content: `The tool "${script.tool}" is not among the tools offered (${offered.join(', ') || 'none'}).`,
		};
	}
	const callNumber = messages.filter((message) => message.role === 'assistant').length + 1;
	return {
		content: null,
		toolCall: {
			id: `call_${callNumber}`,
			name: script.tool,
			arguments: JSON.stringify(
				typeof script.arguments === 'function' ? script.arguments(question) : script.arguments,
			),
		},
	};
}

function completion(turn: ReturnType<typeof nextTurn>, model: string, created: number) {
	return {
		id: `chatcmpl-emulated-${created}`,
		object: 'chat.completion',
		created,
		model,
		choices: [
			{
				index: 0,
				message: {
					role: 'assistant',
					content: turn.content,
					...(turn.toolCall
						? {
								tool_calls: [
									{
										id: turn.toolCall.id,
										type: 'function',
										function: { name: turn.toolCall.name, arguments: turn.toolCall.arguments },
									},
								],
							}
						: {}),
				},
				finish_reason: turn.toolCall ? 'tool_calls' : 'stop',
			},
		],
		usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
	};
}

/** The same turn as OpenAI streams it: role, then content or the tool call, then the finish reason. */
function streamChunks(
	turn: ReturnType<typeof nextTurn>,
	model: string,
	created: number,
): unknown[] {
	const base = {
		id: `chatcmpl-emulated-${created}`,
		object: 'chat.completion.chunk',
		created,
		model,
	};
	const delta = (d: Record<string, unknown>, finish: string | null = null) => ({
		...base,
		choices: [{ index: 0, delta: d, finish_reason: finish }],
	});
	const chunks: unknown[] = [delta({ role: 'assistant', content: turn.toolCall ? null : '' })];
	if (turn.toolCall) {
		chunks.push(
			delta({
				tool_calls: [
					{
						index: 0,
						id: turn.toolCall.id,
						type: 'function',
						function: { name: turn.toolCall.name, arguments: turn.toolCall.arguments },
					},
				],
			}),
		);
	} else {
		chunks.push(delta({ content: turn.content ?? '' }));
	}
	chunks.push(delta({}, turn.toolCall ? 'tool_calls' : 'stop'));
	chunks.push({
		...base,
		choices: [],
		usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
	});
	return chunks;
}

function readBody(request: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		request.on('error', reject);
	});
}

function sendJson(response: ServerResponse, status: number, json: unknown): void {
	const body = JSON.stringify(json);
	response.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(body),
	});
	response.end(body);
}

export async function startOpenAiEmulator(
	options: OpenAiEmulatorOptions = {},
): Promise<OpenAiEmulator> {
	const apiKey = options.apiKey ?? 'sk-emulator-0123456789';
	const fallbackAnswer =
		options.fallbackAnswer ?? 'I can only answer the questions this emulator was scripted for.';
	let scripts = options.scripts ?? [];
	const requests: RecordedChatRequest[] = [];
	const sockets = new Set<Socket>();

	const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
		const raw = await readBody(request);
		const path = (request.url ?? '/').split('?')[0];
		let body: ChatRequestBody | undefined;
		try {
			body = raw ? (JSON.parse(raw) as ChatRequestBody) : undefined;
		} catch {
			body = undefined;
		}
		requests.push({ method: request.method ?? 'GET', path, headers: request.headers, body });
		if (request.headers.authorization !== `Bearer ${apiKey}`) {
			sendJson(response, 401, {
				error: {
					message: 'Incorrect API key provided.',
					type: 'invalid_request_error',
					code: 'invalid_api_key',
				},
			});
			return;
		}
		if (request.method === 'GET' && path === '/v1/models') {
			sendJson(response, 200, {
				object: 'list',
				data: [
					{ id: EMULATED_MODEL, object: 'model', created: 1_700_000_000, owned_by: 'emulator' },
				],
			});
			return;
		}
		if (request.method !== 'POST' || path !== '/v1/chat/completions') {
			sendJson(response, 404, {
				error: {
					message: `Unknown request ${request.method} ${path}`,
					type: 'invalid_request_error',
				},
			});
			return;
		}
		if (!body || !Array.isArray(body.messages)) {
			sendJson(response, 400, {
				error: { message: 'messages is required', type: 'invalid_request_error' },
			});
			return;
		}
		const turn = nextTurn(body, scripts, fallbackAnswer);
		const model = body.model ?? EMULATED_MODEL;
		const created = Math.floor(Date.now() / 1000);
		if (body.stream === true) {
			response.writeHead(200, {
				'content-type': 'text/event-stream',
				'cache-control': 'no-cache',
				connection: 'keep-alive',
			});
			for (const chunk of streamChunks(turn, model, created))
				response.write(`data: ${JSON.stringify(chunk)}\n\n`);
			response.end('data: [DONE]\n\n');
			return;
		}
		sendJson(response, 200, completion(turn, model, created));
	};

	const server: Server = createServer((request, response) => {
		handle(request, response).catch((error: unknown) =>
			sendJson(response, 500, { error: { message: String(error) } }),
		);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		apiKey,
		requests,
		completions: () => requests.filter((r) => r.path === '/v1/chat/completions'),
		setScripts(next) {
			scripts = next;
		},
		stop: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}
