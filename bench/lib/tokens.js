/**
 * Client-side credentials for the auth scenarios, made with node:crypto only:
 * HS256 JWTs in AnyCable's shape and Turbo signed stream names (Rails MessageVerifier).
 * Shapes from anycable-rb lib/anycable/jwt.rb (`AnyCable::JWT.encode`) and anycable identity/jwt.go;
 * turbo-rails lib/turbo-rails.rb with activesupport lib/active_support/message_verifier.rb.
 */
import { createHmac } from 'node:crypto';

const b64url = (value) => Buffer.from(value).toString('base64url');

/** An HS256 JWT `{"ext":<identifiers JSON string>,"exp":...}` with header `{"alg":"HS256"}`, as `AnyCable::JWT.encode` makes. */
export function signJwt(secret, identifiers, ttlSeconds = 3600) {
  const header = b64url(JSON.stringify({ alg: 'HS256' }));
  const payload = b64url(JSON.stringify({ ext: JSON.stringify(identifiers), exp: Math.floor(Date.now() / 1000) + ttlSeconds }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** `base64(JSON(name)) + '--' + hex HMAC-SHA256(key, base64)`, as `Turbo.signed_stream_verifier.generate(name)`. */
export function signStreamName(key, name) {
  const encoded = Buffer.from(JSON.stringify(name)).toString('base64');
  return `${encoded}--${createHmac('sha256', key).update(encoded).digest('hex')}`;
}

/** The identifier a `$pubsub` public-stream subscriber sends. */
export function pubsubIdentifier(stream) {
  return JSON.stringify({ channel: '$pubsub', stream_name: stream });
}

/** The identifier a Turbo Streams subscriber sends (turbo-rails `turbo_stream_from`). */
export function turboIdentifier(key, stream) {
  return JSON.stringify({ channel: 'Turbo::StreamsChannel', signed_stream_name: signStreamName(key, stream) });
}
