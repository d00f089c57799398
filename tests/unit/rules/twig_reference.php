<?php
// Render {"cases": [{"template", "item"}]} from stdin with the real Twig; print JSON results.
// Usage: php twig_reference.php [path/to/Twig/autoload.php] < cases.json
$autoload = $argv[1] ?? '/usr/share/php/Twig/autoload.php';
require $autoload;
date_default_timezone_set('UTC');

$twig = new \Twig\Environment(new \Twig\Loader\ArrayLoader([]), [
    'strict_variables' => false,
    'autoescape' => false,
    'cache' => false,
]);
$input = json_decode(stream_get_contents(STDIN), true);
$results = [];
foreach ($input['cases'] as $case) {
    try {
        $template = $twig->createTemplate($case['template']);
        $results[] = ['output' => $template->render(['item' => $case['item']])];
    } catch (\Throwable $error) {
        $results[] = ['error' => get_class($error) . ': ' . $error->getMessage()];
    }
}
echo json_encode($results, JSON_UNESCAPED_UNICODE), "\n";
