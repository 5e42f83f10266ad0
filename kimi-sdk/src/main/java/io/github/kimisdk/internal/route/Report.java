package io.github.kimisdk.internal.route;

import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.KimiException;

/**
 * What a call's targets said, for a failure that names every one of them ({@link Route#report}):
 * the status it reports, as one of them sent it, and the failure it tells of when the call had none
 * of its own.
 *
 * @param targets each target, its last answer and state, one clause each, separated by "; "
 * @param lastAnswer the last answer with a status any target's host gave (that cooled or held it);
 *     null when none ever answered so (each could not be reached)
 * @param lastFailure the latest failure that cooled or held a target of the chain, or null
 */
public record Report(String targets, ApiException lastAnswer, KimiException lastFailure) {}
